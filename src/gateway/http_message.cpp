// Request framing and response heads.
#include "gateway/http_message.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

#include "gateway/header_values.h"

namespace fleetmcp::gateway {
namespace {

// A CR, NUL or other control byte in a value is refused (RFC 9110 5.5): a
// proxy in front may read it as a line end and see other headers than we do.
bool is_clean_value(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7F;
  });
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Parses the request line and header lines; false for anything malformed.
bool parse_head(std::string_view head, HttpRequest& request) {
  auto line_end = head.find("\r\n");
  const std::string_view request_line = head.substr(0, line_end);
  const auto first_space = request_line.find(' ');
  const auto second_space = request_line.rfind(' ');
  if (first_space == std::string_view::npos || second_space == first_space) return false;
  request.method = std::string(request_line.substr(0, first_space));
  request.target = std::string(request_line.substr(first_space + 1, second_space - first_space - 1));
  request.version = std::string(request_line.substr(second_space + 1));
  if (request.version != "HTTP/1.1" && request.version != "HTTP/1.0") return false;
  if (request.method.empty() || !std::all_of(request.method.begin(), request.method.end(), is_token_char)) return false;
  if (request.target.empty() || request.target.find_first_of(" \t") != std::string::npos) return false;
  request.path = request.target.substr(0, request.target.find('?'));
  request.keep_alive = request.version == "HTTP/1.1";

  head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
  while (!head.empty()) {
    line_end = head.find("\r\n");
    const std::string_view line = head.substr(0, line_end);
    head.remove_prefix(line_end == std::string_view::npos ? head.size() : line_end + 2);
    const auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return false;
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), is_token_char)) return false;
    const std::string_view value = line.substr(colon + 1);
    if (!is_clean_value(value)) return false;
    request.headers.emplace_back(std::string(name), std::string(trim_ows(value)));
  }
  // Two Host headers: which one the origin check and a proxy each read is anyone's guess (RFC 9112 3.2).
  if (std::count_if(request.headers.begin(), request.headers.end(),
                    [](const auto& header) { return iequals(header.first, "Host"); }) > 1)
    return false;
  const std::string connection = request.header("Connection");
  if (iequals(connection, "close")) request.keep_alive = false;
  if (iequals(connection, "keep-alive")) request.keep_alive = true;
  return true;
}

// The declared body length as sent; nullopt if none. Copies that disagree
// give "": framing by one while a proxy in front framed by another would let
// a request hide inside another's body.
std::optional<std::string> content_length(const HttpRequest& request) {
  std::optional<std::string> declared;
  for (const auto& [name, value] : request.headers) {
    if (!iequals(name, "Content-Length")) continue;
    if (declared && *declared != value) return std::string();
    declared = value;
  }
  return declared;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return {};
}

std::string_view media_type(std::string_view content_type) {
  return trim_ows(content_type.substr(0, content_type.find(';')));
}

bool HttpRequest::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& entry) { return iequals(entry.first, name); });
}

RequestReader::RequestReader(Connection& connection, const HttpLimits& limits, int wake_fd)
    : connection_(connection), limits_(limits), wake_fd_(wake_fd) {}

RequestReader::Outcome RequestReader::read_more(Clock::time_point deadline) {
  char chunk[16 * 1024];
  const ssize_t got = connection_.read_some(chunk, sizeof chunk, deadline, wake_fd_);
  if (got > 0) {
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return Outcome::request;
  }
  return got == 0 ? Outcome::closed : Outcome::timeout;
}

RequestReader::Outcome RequestReader::next(HttpRequest& request) {
  return read_request(request, Clock::now() + limits_.idle_timeout, std::nullopt);
}

RequestReader::Outcome RequestReader::next_by(HttpRequest& request, Clock::time_point head_deadline) {
  return read_request(request, head_deadline, head_deadline);
}

RequestReader::Outcome RequestReader::read_request(HttpRequest& request, Clock::time_point first_byte_deadline,
                                                   std::optional<Clock::time_point> head_deadline) {
  request = HttpRequest{};
  // Waiting for a first byte ends quietly; once one arrives the header clock runs.
  if (buffer_.empty()) {
    const Outcome first = read_more(first_byte_deadline);
    if (first != Outcome::request) return Outcome::closed;
  }
  const auto header_deadline = head_deadline.value_or(Clock::now() + limits_.header_timeout);
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (buffer_.size() > limits_.max_header_bytes) return Outcome::headers_too_large;
    const Outcome more = read_more(header_deadline);
    if (more == Outcome::closed) return Outcome::bad_request;
    if (more != Outcome::request) return more;
  }
  if (head_end > limits_.max_header_bytes) return Outcome::headers_too_large;
  if (!parse_head(std::string_view(buffer_).substr(0, head_end), request)) return Outcome::bad_request;
  buffer_.erase(0, head_end + 4);

  if (request.has_header("Transfer-Encoding")) return Outcome::not_implemented;
  std::size_t length = 0;
  if (const auto declared = content_length(request)) {
    if (declared->empty()) return Outcome::bad_request;
    const auto [end, error] = std::from_chars(declared->data(), declared->data() + declared->size(), length);
    if (error != std::errc() || end != declared->data() + declared->size()) return Outcome::bad_request;
  }
  // 100-continue is the one expectation HTTP defines; an HTTP/1.0 client's is ignored (RFC 9110 10.1.1).
  const std::string expectation = request.header("Expect");
  if (!expectation.empty() && !iequals(expectation, "100-continue")) return Outcome::expectation_failed;
  const bool expects_continue = !expectation.empty() && request.version == "HTTP/1.1";
  // A client that asked before sending its body hears the refusal at once.
  if (length > limits_.max_body_bytes) return Outcome::body_too_large;
  const auto body_deadline = Clock::now() + limits_.body_timeout;
  if (expects_continue && buffer_.size() < length &&
      !connection_.write_all("HTTP/1.1 100 Continue\r\n\r\n", body_deadline))
    return Outcome::closed;
  while (buffer_.size() < length) {
    const Outcome more = read_more(body_deadline);
    if (more == Outcome::closed) return Outcome::bad_request;
    if (more != Outcome::request) return more;
  }
  request.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return Outcome::request;
}

int status_for(RequestReader::Outcome outcome) {
  switch (outcome) {
    case RequestReader::Outcome::bad_request: return 400;
    case RequestReader::Outcome::timeout: return 408;
    case RequestReader::Outcome::body_too_large: return 413;
    case RequestReader::Outcome::headers_too_large: return 431;
    case RequestReader::Outcome::not_implemented: return 501;
    case RequestReader::Outcome::expectation_failed: return 417;
    case RequestReader::Outcome::request:
    case RequestReader::Outcome::closed: break;
  }
  return 500;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

std::string response_head(const HttpResponse& response, bool keep_alive, bool streaming) {
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(reason_phrase(response.status)) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  if (!streaming) head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  head += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  head += "\r\n";
  return head;
}

}  // namespace fleetmcp::gateway
