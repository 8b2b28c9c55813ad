// A small HTTP/1.1 server: one thread per connection (bounded), keep-alive,
// size and time limits, optional TLS, streamed (SSE) responses, and a drain
// on stop. The MCP endpoint and /healthz live in the handler, not here.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "gateway/connection_table.h"
#include "gateway/http_message.h"

struct ssl_ctx_st;

namespace fleetmcp::gateway {

// How a handler answers one request: a whole response, or a stream whose end
// is the connection's close (SSE). Also tells the handler when the client left.
class ResponseChannel {
 public:
  // on_authenticated: told once the handler names the caller (set_caller).
  ResponseChannel(Connection& connection, const HttpRequest& request, std::function<void()> on_authenticated);

  void send(const HttpResponse& response);
  bool begin_stream(const HttpResponse& head);
  bool stream(std::string_view data);

  // Whether the client left. A client that only half-closed (sent its
  // request, then FIN) still reads: the first FIN is answered with a probe
  // it skips — an interim 100 Continue, or an SSE comment once streaming —
  // and a closed socket answers that with a reset. Polled, never blocks.
  bool client_gone();

  // Nothing will be sent (the client left); records `status` for the access line.
  void abandon(int status) {
    status_ = status;
    keep_alive_ = false;
  }

  // For the access line: who the request was for, once authenticated.
  void set_caller(std::string caller);
  const std::string& caller() const { return caller_; }
  int status() const { return status_; }
  bool keeps_alive() const { return keep_alive_ && !streamed_ && status_ != 0; }

 private:
  Connection& connection_;
  std::function<void()> on_authenticated_;
  bool keep_alive_;
  bool head_only_;        // HEAD: the GET response's head, no body
  bool interim_allowed_;  // HTTP/1.1: a 1xx may precede the response
  bool streamed_ = false;
  bool probed_ = false;
  int status_ = 0;
  std::string caller_;
};

using HttpHandler = std::function<void(const HttpRequest&, ResponseChannel&)>;

struct AccessRecord {
  std::string method;
  std::string path;
  int status = 0;
  std::string caller;
  double ms = 0;
  std::string remote;
};

struct HttpServerOptions {
  std::string listen;  // HOST:PORT; PORT 0 picks a free port
  HttpLimits limits;
  std::size_t max_connections = 512;
  // Of those, how many may be held by connections that have not sent an
  // authenticated request: the rest is kept for analysts.
  std::size_t max_unauthenticated = 384;
  // After a refusal that stops reading a request (413…): how long and how
  // much of the rest is read and discarded, so the client sees the answer.
  std::chrono::milliseconds linger_timeout{5'000};
  std::size_t linger_max_bytes = 64 * 1024 * 1024;
  std::string tls_cert_file;  // both empty: plain HTTP
  std::string tls_key_file;
  std::chrono::milliseconds drain_timeout{10'000};
};

struct ServerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class HttpServer {
 public:
  // Binds and listens at once (throws ServerError), so the caller can report
  // the bound address before serving.
  HttpServer(HttpServerOptions options, HttpHandler handler, std::function<void(const AccessRecord&)> access_log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  std::string bound_address() const;  // "127.0.0.1:8892"
  bool bound_to_loopback() const;

  // Accepts until request_stop(), then waits up to drain_timeout for requests
  // in flight. Returns how many connections were still busy at the deadline.
  std::size_t run();

  // Async-signal-safe.
  void request_stop() noexcept;

 private:
  void serve_connection(int fd, std::string remote, ConnectionTable::Id slot);
  void serve_requests(Connection& connection, ConnectionTable::Id slot, const std::string& remote);
  void answer_limit(Connection& connection, RequestReader::Outcome outcome, const std::string& remote);

  HttpServerOptions options_;
  HttpHandler handler_;
  std::function<void(const AccessRecord&)> access_log_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};  // readable once stopping: wakes accept and idle connections
  ssl_ctx_st* tls_ = nullptr;
  std::string bound_;
  bool loopback_ = false;

  ConnectionTable connections_;
};

// Splits "host:port" or "[v6]:port"; throws ServerError.
std::pair<std::string, std::string> split_host_port(const std::string& listen);

}  // namespace fleetmcp::gateway
