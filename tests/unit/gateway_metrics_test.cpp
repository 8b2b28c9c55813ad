#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "gateway/metrics.h"

using namespace fleetmcp::gateway;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream lines{text};
  for (std::string each; std::getline(lines, each);)
    if (each == line) return true;
  return false;
}

}  // namespace

TEST_CASE("metrics: method labels stay bounded whatever a client names") {
  CHECK(method_label("tools/call") == "tools/call");
  CHECK(method_label("server/discover") == "server/discover");
  CHECK(method_label("x\"}\n# evil") == "other");
  CHECK(method_label("") == "other");
}

TEST_CASE("metrics: the request's method is read from the body, and nothing else counts as one") {
  CHECK(request_method(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"query"}})") == "tools/call");
  CHECK(request_method(R"({"jsonrpc":"2.0","id":1,"params":{"method":"inner"}})") == "");
  CHECK(request_method(R"([{"method":"tools/list"}])") == "");
  CHECK(request_method(R"({"method":42})") == "");
  CHECK(request_method("not json") == "");
}

TEST_CASE("metrics: outcomes name the statuses operators alert on") {
  CHECK(outcome_label(200) == "ok");
  CHECK(outcome_label(202) == "accepted");
  CHECK(outcome_label(401) == "unauthorized");
  CHECK(outcome_label(403) == "forbidden");
  CHECK(outcome_label(413) == "too_large");
  CHECK(outcome_label(503) == "busy");
  CHECK(outcome_label(500) == "error");
}

TEST_CASE("metrics: the exposition has HELP and TYPE for every family, and counters per label set") {
  GatewayMetrics metrics;
  // Binary fractions, so the sum is exact: 2^-6, 2^-2 (on a bucket's bound: le includes it), 2^-10.
  metrics.record_request("tools/call", 200, 0.015625);
  metrics.record_request("tools/call", 200, 0.25);
  metrics.record_request("tools/call", 503, 0.0009765625);
  metrics.record_request("bogus/method", 401, 0.001);
  metrics.record_response(200);
  metrics.record_response(413);
  metrics.record_response(413);
  PoolState pool;
  pool.size = 8;
  pool.alive = 7;
  pool.busy = 3;
  pool.queued = 2;
  pool.replaced = 1;
  const std::string text = metrics.exposition(pool);
  CHECK(has_line(text, "# TYPE fleetmcp_gateway_requests_total counter"));
  CHECK(has_line(text, R"(fleetmcp_gateway_requests_total{method="tools/call",outcome="ok"} 2)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_requests_total{method="tools/call",outcome="busy"} 1)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_requests_total{method="other",outcome="unauthorized"} 1)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_http_responses_total{code="413"} 2)"));
  CHECK(has_line(text, "# TYPE fleetmcp_gateway_request_duration_seconds histogram"));
  // Buckets are cumulative; +Inf equals the count.
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_bucket{method="tools/call",le="0.005"} 1)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_bucket{method="tools/call",le="0.025"} 2)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_bucket{method="tools/call",le="0.25"} 3)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_bucket{method="tools/call",le="+Inf"} 3)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_count{method="tools/call"} 3)"));
  CHECK(has_line(text, R"(fleetmcp_gateway_request_duration_seconds_sum{method="tools/call"} 0.2666015625)"));
  CHECK(has_line(text, "fleetmcp_gateway_pool_busy 3"));
  CHECK(has_line(text, "fleetmcp_gateway_pool_queued 2"));
  CHECK(has_line(text, "fleetmcp_gateway_pool_alive 7"));
  CHECK(has_line(text, "fleetmcp_gateway_child_restarts_total 1"));
  // Every sample line belongs to a family announced before it.
  std::istringstream lines{text};
  std::string announced;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("# TYPE ", 0) == 0) announced = line.substr(7, line.find(' ', 7) - 7);
    if (line.empty() || line[0] == '#') continue;
    CAPTURE(line);
    CHECK(line.rfind(announced, 0) == 0);
  }
  CHECK(text.back() == '\n');
}
