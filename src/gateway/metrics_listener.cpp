#include "gateway/metrics_listener.h"

namespace fleetmcp::gateway {
namespace {

HttpServerOptions metrics_server_options(const std::string& listen) {
  HttpServerOptions options;
  options.listen = listen;
  // A scraper or two, and no request bodies.
  options.max_connections = 16;
  options.max_unauthenticated = 16;
  options.limits.max_body_bytes = 0;
  options.drain_timeout = std::chrono::milliseconds(1'000);
  return options;
}

}  // namespace

MetricsListener::MetricsListener(const std::string& listen, const GatewayMetrics& metrics, const ChildPool& pool)
    : server_(metrics_server_options(listen),
              [&metrics, &pool](const HttpRequest& request, ResponseChannel& channel) {
                if (request.path != "/metrics") {
                  channel.send({404, {{"Content-Type", "text/plain"}}, "Not Found: the metrics are at /metrics\n"});
                } else if (request.method != "GET" && request.method != "HEAD") {
                  channel.send({405, {{"Allow", "GET, HEAD"}}, {}});
                } else {
                  channel.send({200, {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}},
                                metrics.exposition(pool.state())});
                }
              },
              nullptr) {
  thread_ = std::thread([this] { server_.run(); });
}

MetricsListener::~MetricsListener() {
  server_.request_stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace fleetmcp::gateway
