// Resolve, connect within the deadline, optionally TLS, send one GET, read
// to the end (Content-Length, chunked or close) within the size bound.
#include "gateway/oauth/http_client.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "gateway/oauth/url.h"

namespace fleetmcp::gateway::oauth {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Waits until `fd` is ready for `events`, or throws at the deadline.
void wait_for(int fd, short events, Clock::time_point deadline, const std::string& url) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, remaining_ms(deadline));
    if (ready > 0) return;
    if (ready == 0) throw FetchError(url + ": timed out");
    if (errno != EINTR) throw FetchError(url + ": poll: " + std::strerror(errno));
  }
}

// Tries each address in turn; a non-blocking connect so the deadline holds.
void connect_to(Socket& socket, const HttpUrl& url, Clock::time_point deadline, const std::string& text) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found); error != 0)
    throw FetchError(text + ": cannot resolve " + url.host + ": " + ::gai_strerror(error));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  std::string last_error = "no address";
  for (const addrinfo* address = found; address != nullptr; address = address->ai_next) {
    Socket attempt;
    attempt.fd = ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
    if (attempt.fd < 0) continue;
    if (::connect(attempt.fd, address->ai_addr, address->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        last_error = std::strerror(errno);
        continue;
      }
      pollfd entry{attempt.fd, POLLOUT, 0};
      if (::poll(&entry, 1, remaining_ms(deadline)) <= 0) {
        last_error = "timed out";
        continue;
      }
      int error = 0;
      socklen_t size = sizeof error;
      ::getsockopt(attempt.fd, SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) {
        last_error = std::strerror(error);
        continue;
      }
    }
    std::swap(socket.fd, attempt.fd);
    return;
  }
  throw FetchError(text + ": cannot connect to " + url.host + ":" + url.port + ": " + last_error);
}

std::string tls_error_text() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "the connection closed during the TLS handshake";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

// One connection's byte stream, plain or TLS, on a non-blocking socket.
class Stream {
 public:
  Stream(int fd, Clock::time_point deadline, std::string url) : fd_(fd), deadline_(deadline), url_(std::move(url)) {}
  ~Stream() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (context_ != nullptr) SSL_CTX_free(context_);
  }

  void start_tls(const std::string& host) {
    context_ = SSL_CTX_new(TLS_client_method());
    if (context_ == nullptr) throw FetchError(url_ + ": " + tls_error_text());
    SSL_CTX_set_min_proto_version(context_, TLS1_2_VERSION);
    // Many servers close after "Connection: close" without a close_notify;
    // the body's framing (Content-Length, chunked, then JSON) shows truncation.
    SSL_CTX_set_options(context_, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_set_default_verify_paths(context_) != 1) throw FetchError(url_ + ": cannot load the system CA store");
    ssl_ = SSL_new(context_);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) throw FetchError(url_ + ": " + tls_error_text());
    SSL_set_tlsext_host_name(ssl_, host.c_str());  // SNI
    // The certificate must name this host (or IP address), not just chain to a CA.
    X509_VERIFY_PARAM* verify = SSL_get0_param(ssl_);
    X509_VERIFY_PARAM_set_hostflags(verify, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(verify, host.c_str()) != 1 && SSL_set1_host(ssl_, host.c_str()) != 1)
      throw FetchError(url_ + ": cannot set the host name to verify");
    for (;;) {
      const int result = SSL_connect(ssl_);
      if (result == 1) return;
      const int error = SSL_get_error(ssl_, result);
      if (error == SSL_ERROR_WANT_READ) wait_for(fd_, POLLIN, deadline_, url_);
      else if (error == SSL_ERROR_WANT_WRITE) wait_for(fd_, POLLOUT, deadline_, url_);
      else {
        const long verified = SSL_get_verify_result(ssl_);
        if (verified != X509_V_OK)
          throw FetchError(url_ + ": the server's certificate is not trusted: " + X509_verify_cert_error_string(verified));
        throw FetchError(url_ + ": TLS handshake failed: " + tls_error_text());
      }
    }
  }

  void write_all(std::string_view data) {
    while (!data.empty()) {
      const long sent = ssl_ != nullptr ? tls_io(true, const_cast<char*>(data.data()), data.size())
                                        : plain_io(true, const_cast<char*>(data.data()), data.size());
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // Bytes read, 0 at the end of the stream.
  std::size_t read_some(char* buffer, std::size_t size) {
    const long got = ssl_ != nullptr ? tls_io(false, buffer, size) : plain_io(false, buffer, size);
    return static_cast<std::size_t>(got);
  }

 private:
  long plain_io(bool writing, char* data, std::size_t size) {
    for (;;) {
      const long done = writing ? ::send(fd_, data, size, MSG_NOSIGNAL) : ::recv(fd_, data, size, 0);
      if (done >= 0) return done;
      if (errno == EAGAIN || errno == EWOULDBLOCK) wait_for(fd_, writing ? POLLOUT : POLLIN, deadline_, url_);
      else if (errno != EINTR) throw FetchError(url_ + ": " + std::strerror(errno));
    }
  }

  long tls_io(bool writing, char* data, std::size_t size) {
    for (;;) {
      std::size_t done = 0;
      const int result = writing ? SSL_write_ex(ssl_, data, size, &done) : SSL_read_ex(ssl_, data, size, &done);
      if (result == 1) return static_cast<long>(done);
      const int error = SSL_get_error(ssl_, result);
      if (error == SSL_ERROR_WANT_READ) wait_for(fd_, POLLIN, deadline_, url_);
      else if (error == SSL_ERROR_WANT_WRITE) wait_for(fd_, POLLOUT, deadline_, url_);
      else if (!writing && error == SSL_ERROR_ZERO_RETURN) return 0;
      else throw FetchError(url_ + ": TLS: " + tls_error_text());
    }
  }

  int fd_;
  Clock::time_point deadline_;
  std::string url_;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
};

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// The value of header `name` (lower case) in `head`, or empty.
std::string header_value(const std::string& head, const std::string& name) {
  std::size_t line = head.find("\r\n");
  while (line != std::string::npos && line + 2 < head.size()) {
    const std::size_t start = line + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string entry = head.substr(start, end - start);
    const auto colon = entry.find(':');
    if (colon != std::string::npos && lowercase(entry.substr(0, colon)) == name) {
      const auto first = entry.find_first_not_of(" \t", colon + 1);
      return first == std::string::npos ? std::string{} : entry.substr(first, entry.find_last_not_of(" \t") - first + 1);
    }
    line = end;
  }
  return {};
}

// A chunked body (RFC 9112 §7.1) without trailers; throws if cut short or malformed.
std::string dechunked(const std::string& body, const std::string& url) {
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const auto line_end = body.find("\r\n", at);
    if (line_end == std::string::npos) throw FetchError(url + ": the chunked response is cut short");
    std::size_t size = 0;
    const std::string size_text = body.substr(at, std::min(body.find(';', at), line_end) - at);
    if (size_text.empty() || size_text.size() > 8 || size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      throw FetchError(url + ": a chunk size is malformed");
    size = std::stoul(size_text, nullptr, 16);
    at = line_end + 2;
    if (size == 0) return out;
    if (at + size + 2 > body.size()) throw FetchError(url + ": the chunked response is cut short");
    out.append(body, at, size);
    at += size + 2;
  }
}

// One request: `method` with the extra header lines (each ending in CRLF) and
// `body`, which neither appears in an error message (a form may hold a token,
// a header the client secret).
FetchedDocument http_exchange(const std::string& text, const char* method, const std::string& extra_headers,
                              const std::string& body, const FetchLimits& limits) {
  if (const std::string why = insecure_url_refusal(text, "the URL"); !why.empty()) throw FetchError(why);
  const HttpUrl url = *parse_http_url(text);
  const auto deadline = Clock::now() + limits.timeout;
  Socket socket;
  connect_to(socket, url, deadline, text);
  Stream stream(socket.fd, deadline, text);
  if (url.tls()) stream.start_tls(url.host);
  const bool default_port = url.port == (url.tls() ? "443" : "80");
  const std::string host = (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) +
                           (default_port ? "" : ":" + url.port);
  stream.write_all(std::string(method) + " " + url.target + " HTTP/1.1\r\nHost: " + host +
                   "\r\nAccept: application/json\r\nUser-Agent: fleetmcp/" FLEETMCP_VERSION
                   "\r\nConnection: close\r\n" + extra_headers + "\r\n" + body);

  // Headers are bounded too: 64 KiB on top of the body.
  const std::size_t cap = limits.max_body_bytes + 64 * 1024;
  std::string response;
  char buffer[16 * 1024];
  std::size_t head_end = std::string::npos;
  std::size_t expected = std::string::npos;  // the whole response's size, once Content-Length is known
  for (;;) {
    const std::size_t got = stream.read_some(buffer, sizeof buffer);
    if (got == 0) break;
    response.append(buffer, got);
    if (response.size() > cap) throw FetchError(text + ": the response is larger than " +
                                                std::to_string(limits.max_body_bytes) + " bytes");
    if (head_end == std::string::npos && (head_end = response.find("\r\n\r\n")) != std::string::npos) {
      const std::string length = header_value(response.substr(0, head_end + 2), "content-length");
      if (!length.empty() && length.find_first_not_of("0123456789") == std::string::npos && length.size() < 10)
        expected = head_end + 4 + std::stoul(length);
    }
    if (expected != std::string::npos && response.size() >= expected) break;
  }
  if (head_end == std::string::npos) throw FetchError(text + ": the server closed the connection without a response");
  const std::string head = response.substr(0, head_end + 2);
  FetchedDocument document;
  if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12) throw FetchError(text + ": not an HTTP/1.x response");
  document.status = std::atoi(head.c_str() + 9);
  document.content_type = header_value(head, "content-type");
  document.body = response.substr(head_end + 4);
  if (lowercase(header_value(head, "transfer-encoding")).find("chunked") != std::string::npos)
    document.body = dechunked(document.body, text);
  else if (expected != std::string::npos) {
    if (response.size() < expected) throw FetchError(text + ": the response is cut short");
    document.body.resize(expected - head_end - 4);
  }
  if (document.body.size() > limits.max_body_bytes)
    throw FetchError(text + ": the response is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
  return document;
}

}  // namespace

FetchedDocument http_get(const std::string& url, const FetchLimits& limits) {
  return http_exchange(url, "GET", {}, {}, limits);
}

FetchedDocument http_post_form(const std::string& url, const std::string& authorization, const std::string& form,
                               const FetchLimits& limits) {
  const std::string headers = "Authorization: " + authorization +
                              "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                              std::to_string(form.size()) + "\r\n";
  return http_exchange(url, "POST", headers, form, limits);
}

}  // namespace fleetmcp::gateway::oauth
