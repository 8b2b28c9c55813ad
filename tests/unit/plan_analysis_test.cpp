#include <doctest/doctest.h>

#include "plan_guard/plan_analysis.h"

using fleetmcp::plan_guard::analyse_plan;
using fleetmcp::plan_guard::PlanLimits;
using nlohmann::json;

namespace {

constexpr PlanLimits kLimits{.max_cost = 100'000'000, .max_plan_rows = 1'000'000'000};

json scan(const char* chunk, const char* alias, double rows, bool filtered = false) {
  json node = {{"Node Type", "Seq Scan"}, {"Relation Name", chunk}, {"Alias", alias},
               {"Total Cost", rows / 40}, {"Plan Rows", rows}};
  if (filtered) node["Filter"] = "(ts >= '2026-11-01 00:00:00+00'::timestamp with time zone)";
  return node;
}

json append(json parts) {
  double rows = 0;
  for (const json& part : parts) rows += part["Plan Rows"].get<double>();
  return {{"Node Type", "Append"}, {"Total Cost", rows / 40}, {"Plan Rows", rows}, {"Plans", std::move(parts)}};
}

json explained(json plan) { return json::array({{{"Plan", std::move(plan)}}}); }

// The shape PostgreSQL gives SELECT count(*) FROM positions a, positions b (trimmed to two chunks).
json cartesian_join() {
  json loop = {{"Node Type", "Nested Loop"}, {"Join Type", "Inner"}, {"Total Cost", 6.6e9}, {"Plan Rows", 2.95e11},
               {"Plans", {append({scan("_hyper_1_1_chunk", "a_1", 1e5), scan("_hyper_1_2_chunk", "a_2", 1e5)}),
                          {{"Node Type", "Materialize"}, {"Total Cost", 5e3}, {"Plan Rows", 2e5},
                           {"Plans", {append({scan("_hyper_1_1_chunk", "b_1", 1e5),
                                              scan("_hyper_1_2_chunk", "b_2", 1e5)})}}}}}};
  return explained({{"Node Type", "Aggregate"}, {"Total Cost", 7.4e9}, {"Plan Rows", 1}, {"Plans", {loop}}});
}

}  // namespace

TEST_CASE("a nested loop with no join condition is refused and both relations are named") {
  auto verdict = analyse_plan(cartesian_join(), kLimits);
  CHECK(verdict.refused);
  CHECK(verdict.reason.find("Nested Loop joins a and b with no join condition") != std::string::npos);
  CHECK(verdict.reason.find("ON / WHERE a.x = b.x") != std::string::npos);
  CHECK(verdict.reason.find("over MCP_MAX_COST") != std::string::npos);
  CHECK(verdict.reason.find("over MCP_MAX_PLAN_ROWS") != std::string::npos);
  CHECK(verdict.reason.find("allow_expensive") != std::string::npos);
}

TEST_CASE("a nested loop looked up by an index condition is not called a cartesian product") {
  json inner = {{"Node Type", "Index Scan"}, {"Alias", "d"}, {"Index Cond", "(id = p.device_id)"},
                {"Total Cost", 0.3}, {"Plan Rows", 1}};
  json loop = {{"Node Type", "Nested Loop"}, {"Total Cost", 2e9}, {"Plan Rows", 1e6},
               {"Plans", {scan("_hyper_1_1_chunk", "p_1", 1e6), inner}}};
  auto verdict = analyse_plan(explained(loop), kLimits);
  CHECK(verdict.refused);  // over MCP_MAX_COST, but for another reason
  CHECK(verdict.reason.find("cartesian") == std::string::npos);
  CHECK(verdict.reason.find("Nested Loop node") != std::string::npos);
}

TEST_CASE("every chunk of a hypertable read unfiltered is named with a time range as the fix") {
  json parts = json::array();
  for (int chunk = 1; chunk <= 15; ++chunk)
    parts.push_back(scan(("_hyper_1_" + std::to_string(chunk) + "_chunk").c_str(), "positions_1", 1e8));
  auto verdict = analyse_plan(explained(append(parts)), kLimits);
  CHECK(verdict.refused);
  CHECK(verdict.reason.find("every one of the 15 chunks of positions") != std::string::npos);
  CHECK(verdict.reason.find("WHERE ts >=") != std::string::npos);
}

TEST_CASE("unaliased chunks are named by their internal name") {
  auto verdict = analyse_plan(explained(append({scan("_hyper_1_1_chunk", "_hyper_1_1_chunk", 2e10),
                                                scan("_hyper_1_2_chunk", "_hyper_1_2_chunk", 2e10)})),
                              kLimits);
  CHECK(verdict.reason.find("chunks of the hypertable of chunk _hyper_1_1_chunk") != std::string::npos);
}

TEST_CASE("honest plans pass: a filtered chunk scan and a big but bounded one") {
  auto filtered = analyse_plan(explained(append({scan("_hyper_1_1_chunk", "p_1", 1e5, true),
                                                 scan("_hyper_1_2_chunk", "p_2", 1e5, true)})),
                               kLimits);
  CHECK_FALSE(filtered.refused);
  CHECK(filtered.reason.empty());
  CHECK(filtered.largest_rows == 2e5);
  auto whole = analyse_plan(explained(append({scan("_hyper_1_1_chunk", "p_1", 1e6),
                                              scan("_hyper_1_2_chunk", "p_2", 1e6)})),
                            kLimits);
  CHECK_FALSE(whole.refused);
  CHECK(whole.total_cost == 5e4);
}

TEST_CASE("the limits are what decides, not the shape") {
  auto verdict = analyse_plan(cartesian_join(), {.max_cost = 10'000'000'000, .max_plan_rows = 1'000'000'000'000});
  CHECK_FALSE(verdict.refused);
}
