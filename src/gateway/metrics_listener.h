// MCP_METRICS_LISTEN: GET /metrics on a listener of its own, apart from the
// public MCP port (the one a proxy routes to), so it is not public unless the
// operator binds it so. Off when unset.
#pragma once

#include <string>
#include <thread>

#include "gateway/child_pool.h"
#include "gateway/http_server.h"
#include "gateway/metrics.h"

namespace fleetmcp::gateway {

class MetricsListener {
 public:
  // Binds at once (throws ServerError) and serves on a thread of its own.
  MetricsListener(const std::string& listen, const GatewayMetrics& metrics, const ChildPool& pool);
  ~MetricsListener();  // stops serving
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  std::string bound_address() const { return server_.bound_address(); }
  bool bound_to_loopback() const { return server_.bound_to_loopback(); }

 private:
  HttpServer server_;
  std::thread thread_;
};

}  // namespace fleetmcp::gateway
