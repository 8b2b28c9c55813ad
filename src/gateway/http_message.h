// HTTP/1.1 requests and responses as plain values, and the reader that frames
// requests off a connection within size and time limits.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/connection.h"

namespace fleetmcp::gateway {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;  // as sent, query string included
  std::string path;    // target without the query string
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  Headers headers;     // names as sent; look up with header()
  std::string body;
  bool keep_alive = true;

  // The value of the first header with this name (case-insensitive); empty if absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string body;
};

struct HttpLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  // A request's headers and body must arrive within these, so a slow client
  // cannot hold a thread: the clock starts at the request's first byte, or,
  // for a connection that has not authenticated, when it began to wait.
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  // How long a kept-alive connection may sit between requests.
  std::chrono::milliseconds idle_timeout{60'000};
};

// Frames one request after another off a connection, keeping bytes that
// arrived early for the next one.
class RequestReader {
 public:
  enum class Outcome {
    request,
    closed,           // the client closed, or idled out, between requests
    bad_request,      // 400
    timeout,          // 408
    body_too_large,   // 413
    headers_too_large,  // 431
    not_implemented,  // 501: a request body we do not decode (chunked)
    expectation_failed,  // 417: an Expect other than 100-continue
  };

  RequestReader(Connection& connection, const HttpLimits& limits, int wake_fd);

  // The next request of a connection that may idle (idle_timeout) before it.
  Outcome next(HttpRequest& request);
  // The next request, whose first byte and whole head must both arrive by
  // `head_deadline`: for a connection that has not authenticated yet.
  Outcome next_by(HttpRequest& request, Clock::time_point head_deadline);

 private:
  Outcome read_more(Clock::time_point deadline);
  Outcome read_request(HttpRequest& request, Clock::time_point first_byte_deadline,
                       std::optional<Clock::time_point> head_deadline);

  Connection& connection_;
  const HttpLimits& limits_;
  int wake_fd_;
  std::string buffer_;
};

int status_for(RequestReader::Outcome outcome);
std::string_view reason_phrase(int status);
bool iequals(std::string_view a, std::string_view b);

// A Content-Type's type/subtype without its parameters: "application/json"
// for "application/json; charset=utf-8". Compare it with iequals.
std::string_view media_type(std::string_view content_type);

// Status line and headers, ending with the blank line. Adds Content-Length
// (unless `streaming`) and Connection.
std::string response_head(const HttpResponse& response, bool keep_alive, bool streaming);

}  // namespace fleetmcp::gateway
