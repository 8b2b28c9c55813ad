#include "gateway/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "gateway/json_skim.h"

namespace fleetmcp::gateway {
namespace {

// Both protocol eras' client-to-server methods.
constexpr std::string_view kKnownMethods[] = {
    "initialize",          "ping",           "server/discover",          "tools/list",
    "tools/call",          "resources/list", "resources/templates/list", "resources/read",
    "prompts/list",        "prompts/get",    "completion/complete",      "logging/setLevel",
    "notifications/initialized", "notifications/cancelled", "notifications/progress",
};

// Prometheus renders numbers as Go does: no trailing zeros, "+Inf".
std::string number_text(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string shorter = text;
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) {
      shorter = text;
      break;
    }
  }
  return shorter;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void sample(std::string& out, const std::string& name, const std::string& labels, const std::string& value) {
  out += name + (labels.empty() ? "" : "{" + labels + "}") + " " + value + "\n";
}

}  // namespace

std::string method_label(std::string_view method) {
  return std::find(std::begin(kKnownMethods), std::end(kKnownMethods), method) != std::end(kKnownMethods)
             ? std::string(method)
             : "other";
}

std::string outcome_label(int status) {
  switch (status) {
    case 202: return "accepted";
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405:
    case 406:
    case 415: return "refused";
    case 413: return "too_large";
    case 499: return "client_gone";
    case 503: return "busy";
    default: return status >= 200 && status < 300 ? "ok" : "error";
  }
}

std::string request_method(std::string_view body) {
  const auto members = top_level_members(body);
  const SkimmedMember* member = members ? find_member(*members, "method") : nullptr;
  if (member == nullptr) return "";
  const auto value = nlohmann::json::parse(body.substr(member->value_offset, member->value_size), nullptr, false);
  return value.is_string() ? value.get<std::string>() : "";
}

void GatewayMetrics::record_request(std::string_view method, int status, double seconds) {
  const std::string label = method_label(method);
  std::lock_guard lock(mutex_);
  ++requests_[{label, outcome_label(status)}];
  Latency& latency = latency_[label];
  const auto bucket = std::lower_bound(kBuckets.begin(), kBuckets.end(), seconds);
  if (bucket != kBuckets.end()) ++latency.below[static_cast<std::size_t>(bucket - kBuckets.begin())];
  ++latency.count;
  latency.sum += seconds;
}

void GatewayMetrics::record_response(int status) {
  std::lock_guard lock(mutex_);
  ++responses_[status];
}

std::string GatewayMetrics::exposition(const PoolState& pool) const {
  std::string out;
  std::lock_guard lock(mutex_);
  family(out, "fleetmcp_gateway_requests_total", "counter",
         "MCP requests at /mcp by JSON-RPC method and outcome (the HTTP status, named).");
  for (const auto& [key, count] : requests_)
    sample(out, "fleetmcp_gateway_requests_total", "method=\"" + key.first + "\",outcome=\"" + key.second + "\"",
           std::to_string(count));
  family(out, "fleetmcp_gateway_request_duration_seconds", "histogram",
         "Time from a request's arrival at /mcp to its answer, by JSON-RPC method.");
  for (const auto& [method, latency] : latency_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += latency.below[i];
      sample(out, "fleetmcp_gateway_request_duration_seconds_bucket",
             "method=\"" + method + "\",le=\"" + number_text(kBuckets[i]) + "\"", std::to_string(cumulative));
    }
    sample(out, "fleetmcp_gateway_request_duration_seconds_bucket", "method=\"" + method + "\",le=\"+Inf\"",
           std::to_string(latency.count));
    sample(out, "fleetmcp_gateway_request_duration_seconds_sum", "method=\"" + method + "\"", number_text(latency.sum));
    sample(out, "fleetmcp_gateway_request_duration_seconds_count", "method=\"" + method + "\"",
           std::to_string(latency.count));
  }
  family(out, "fleetmcp_gateway_http_responses_total", "counter",
         "Every HTTP response by status code, including refusals before any route (401, 403, 408, 413, 503…).");
  for (const auto& [status, count] : responses_)
    sample(out, "fleetmcp_gateway_http_responses_total", "code=\"" + std::to_string(status) + "\"",
           std::to_string(count));
  family(out, "fleetmcp_gateway_pool_children", "gauge", "Children the pool keeps (MCP_POOL_MAX).");
  sample(out, "fleetmcp_gateway_pool_children", "", std::to_string(pool.size));
  family(out, "fleetmcp_gateway_pool_alive", "gauge", "Children running now.");
  sample(out, "fleetmcp_gateway_pool_alive", "", std::to_string(pool.alive));
  family(out, "fleetmcp_gateway_pool_busy", "gauge", "Children running a tools/call now.");
  sample(out, "fleetmcp_gateway_pool_busy", "", std::to_string(pool.busy));
  family(out, "fleetmcp_gateway_pool_queued", "gauge", "Calls waiting for a free child now.");
  sample(out, "fleetmcp_gateway_pool_queued", "", std::to_string(pool.queued));
  family(out, "fleetmcp_gateway_child_restarts_total", "counter", "Children that ended and were replaced.");
  sample(out, "fleetmcp_gateway_child_restarts_total", "", std::to_string(pool.replaced));
  return out;
}

}  // namespace fleetmcp::gateway
