// Listening, connection threads, limits and drain.
#include "gateway/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

namespace fleetmcp::gateway {
namespace {

std::string address_text(const sockaddr* address) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
    port = ntohs(v4->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof host);
  port = ntohs(v6->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

bool is_loopback(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr) >> 24) == 127;
  const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
  return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
}

std::string openssl_error() {
  char text[256] = "unknown error";
  if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  return text;
}

ssl_ctx_st* make_tls_context(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr) throw ServerError("TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context, key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context) != 1) {
    const std::string why = openssl_error();
    SSL_CTX_free(context);
    throw ServerError("TLS certificate " + cert_file + " / key " + key_file + ": " + why);
  }
  return context;
}

}  // namespace

std::pair<std::string, std::string> split_host_port(const std::string& listen) {
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find("]:");
    if (close == std::string::npos) throw ServerError("--listen " + listen + ": expected [v6-address]:port");
    return {listen.substr(1, close - 1), listen.substr(close + 2)};
  }
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
    throw ServerError("--listen " + listen + ": expected host:port");
  return {listen.substr(0, colon), listen.substr(colon + 1)};
}

ResponseChannel::ResponseChannel(Connection& connection, const HttpRequest& request,
                                 std::function<void()> on_authenticated)
    : connection_(connection),
      on_authenticated_(std::move(on_authenticated)),
      keep_alive_(request.keep_alive),
      head_only_(request.method == "HEAD"),
      interim_allowed_(request.version == "HTTP/1.1") {}

void ResponseChannel::set_caller(std::string caller) {
  caller_ = std::move(caller);
  if (on_authenticated_) on_authenticated_();
}

void ResponseChannel::send(const HttpResponse& response) {
  status_ = response.status;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  // The head of a HEAD response declares the GET body's length and ends there.
  std::string head = response_head(response, keep_alive_, false);
  // A small answer goes in one write: head and body apart would be two
  // segments (TCP_NODELAY) and two wake-ups for the client. A large one is
  // not worth copying for that.
  const bool sent = head_only_ ? connection_.write_all(head, deadline)
                    : response.body.size() <= 64 * 1024
                        ? connection_.write_all(head.append(response.body), deadline)
                        : connection_.write_all(head, deadline) && connection_.write_all(response.body, deadline);
  if (!sent) keep_alive_ = false;
}

bool ResponseChannel::client_gone() {
  switch (connection_.peer_state()) {
    case Connection::PeerState::open: return false;
    case Connection::PeerState::gone: return true;
    case Connection::PeerState::sent_eof: break;
  }
  keep_alive_ = false;  // it will send no further request
  if (!streamed_ && !interim_allowed_) return true;  // no probe an HTTP/1.0 client would skip
  if (probed_) return false;  // the reset, if any, shows as gone on a later look
  probed_ = true;
  // RFC 9110 15.2: a client must parse 1xx responses it did not ask for.
  return !connection_.write_all(streamed_ ? ": still working\n\n" : "HTTP/1.1 100 Continue\r\n\r\n",
                                Clock::now() + std::chrono::seconds(5));
}

bool ResponseChannel::begin_stream(const HttpResponse& head) {
  status_ = head.status;
  streamed_ = true;
  return connection_.write_all(response_head(head, false, true), Clock::now() + std::chrono::seconds(30));
}

bool ResponseChannel::stream(std::string_view data) {
  return connection_.write_all(data, Clock::now() + std::chrono::seconds(30));
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, std::function<void(const AccessRecord&)> access_log)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      access_log_(std::move(access_log)),
      connections_(options_.max_connections, options_.max_unauthenticated) {
  const auto [host, port] = split_host_port(options_.listen);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); error != 0)
    throw ServerError("--listen " + options_.listen + ": " + gai_strerror(error));
  std::string last_error = "no address";
  for (addrinfo* candidate = found; candidate != nullptr && listen_fd_ < 0; candidate = candidate->ai_next) {
    const int fd = socket(candidate->ai_family, candidate->ai_socktype | SOCK_CLOEXEC, candidate->ai_protocol);
    if (fd < 0) continue;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, candidate->ai_addr, candidate->ai_addrlen) == 0 && listen(fd, 256) == 0) {
      listen_fd_ = fd;
      loopback_ = is_loopback(candidate->ai_addr);
    } else {
      last_error = std::strerror(errno);
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (listen_fd_ < 0) throw ServerError("cannot listen on " + options_.listen + ": " + last_error);

  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
  bound_ = address_text(reinterpret_cast<sockaddr*>(&bound));

  if (pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) throw ServerError("pipe: " + std::string(std::strerror(errno)));
  if (!options_.tls_cert_file.empty() || !options_.tls_key_file.empty())
    tls_ = make_tls_context(options_.tls_cert_file, options_.tls_key_file);
}

HttpServer::~HttpServer() {
  if (listen_fd_ >= 0) close(listen_fd_);
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
  if (tls_ != nullptr) SSL_CTX_free(tls_);
}

std::string HttpServer::bound_address() const { return bound_; }
bool HttpServer::bound_to_loopback() const { return loopback_; }

void HttpServer::request_stop() noexcept {
  const char byte = 1;
  [[maybe_unused]] const ssize_t ignored = write(stop_pipe_[1], &byte, 1);
}

std::size_t HttpServer::run() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if ((fds[1].revents & POLLIN) != 0) break;
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    const int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    std::string remote = address_text(reinterpret_cast<sockaddr*>(&peer));
    const auto slot = connections_.admit(fd);
    if (!slot) {
      // Every slot is held by analysts or busy: a plain-HTTP 503 would be garbage to a TLS client, so just close.
      close(fd);
      spdlog::warn("refused a connection from {}: {} connections open", remote, connections_.open());
      continue;
    }
    std::thread([this, fd, remote = std::move(remote), slot = *slot] { serve_connection(fd, remote, slot); }).detach();
  }
  close(listen_fd_);
  listen_fd_ = -1;

  if (const std::size_t open = connections_.open(); open > 0) spdlog::info("draining {} open connection(s)", open);
  return connections_.wait_until_empty(options_.drain_timeout);
}

void HttpServer::answer_limit(Connection& connection, RequestReader::Outcome outcome, const std::string& remote) {
  HttpResponse response{status_for(outcome), {{"Content-Type", "text/plain"}}, std::string(reason_phrase(status_for(outcome))) + "\n"};
  connection.write_all(response_head(response, false, false) + response.body, Clock::now() + std::chrono::seconds(5));
  connection.close_after_response(Clock::now() + options_.linger_timeout, options_.linger_max_bytes);
  if (access_log_) access_log_({"", "", response.status, "", 0, remote});
}

void HttpServer::serve_connection(int fd, std::string remote, ConnectionTable::Id slot) {
  SSL* ssl = nullptr;
  if (tls_ != nullptr) {
    ssl = SSL_new(tls_);
    SSL_set_fd(ssl, fd);
  }
  Connection connection(fd, ssl);
  // The slot goes before the socket closes: the table may shut a socket down by its number.
  struct SlotRelease {
    ConnectionTable& table;
    ConnectionTable::Id slot;
    ~SlotRelease() { table.release(slot); }
  } release{connections_, slot};
  if (connection.handshake(Clock::now() + options_.limits.header_timeout)) serve_requests(connection, slot, remote);
}

void HttpServer::serve_requests(Connection& connection, ConnectionTable::Id slot, const std::string& remote) {
  RequestReader reader(connection, options_.limits, stop_pipe_[0]);
  HttpRequest request;
  for (bool open = true; open;) {
    // Until a request authenticates, the connection may not idle: its next
    // request's first byte and whole head are due within header_timeout.
    const auto outcome = connections_.is_authenticated(slot)
                             ? reader.next(request)
                             : reader.next_by(request, Clock::now() + options_.limits.header_timeout);
    if (outcome == RequestReader::Outcome::closed) break;
    if (outcome != RequestReader::Outcome::request) {
      answer_limit(connection, outcome, remote);
      break;
    }
    const auto started = Clock::now();
    ResponseChannel channel(connection, request, [this, slot] { connections_.authenticated(slot); });
    connections_.answering(slot, true);
    try {
      handler_(request, channel);
    } catch (const std::exception& error) {
      spdlog::error("{} {}: {}", request.method, request.path, error.what());
    }
    if (channel.status() == 0) channel.send({500, {{"Content-Type", "text/plain"}}, "Internal Server Error\n"});
    connections_.answering(slot, false);
    if (access_log_)
      access_log_({request.method, request.path, channel.status(), channel.caller(),
                   std::chrono::duration<double, std::milli>(Clock::now() - started).count(), remote});
    open = channel.keeps_alive();
    // Once stopping, finish this response and close instead of waiting for another.
    pollfd stopping{stop_pipe_[0], POLLIN, 0};
    if (poll(&stopping, 1, 0) > 0) open = false;
  }
}

}  // namespace fleetmcp::gateway
