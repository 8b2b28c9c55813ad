// The gateway's counters for Prometheus: requests by JSON-RPC method and
// outcome, their latency, every HTTP status (401/403/413/503 among them) and
// the child pool's state, in the text exposition format (version 0.0.4).
// They are served on a listener of their own (metrics_listener.h), never on
// the public MCP port.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "gateway/child_pool.h"

namespace fleetmcp::gateway {

// The method's label: a known MCP method by its name, anything else "other",
// so whatever clients send, the number of series stays bounded.
std::string method_label(std::string_view method);

// The outcome's label for an HTTP status: ok, accepted, bad_request,
// unauthorized, forbidden, not_found, refused, too_large, client_gone, busy, error.
std::string outcome_label(int status);

// The JSON-RPC method named in a request body, "" when it names none (a
// batch, a response, not JSON): read without parsing the whole body.
std::string request_method(std::string_view body);

class GatewayMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  // One request at the MCP endpoint, answered or refused, and how long the gateway took.
  void record_request(std::string_view method, int status, double seconds);
  // Every HTTP response, including those refused before any route (408, 413, 431).
  void record_response(int status);

  // Everything, with the pool's state as it is now.
  std::string exposition(const PoolState& pool) const;

 private:
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> below{};  // per bucket, not yet cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> requests_;  // (method, outcome)
  std::map<std::string, Latency> latency_;                                 // by method
  std::map<int, std::uint64_t> responses_;                                 // by status
};

}  // namespace fleetmcp::gateway
