#include <doctest/doctest.h>

#include "tools/plan_fitting.h"

using fleetmcp::tools::fit_plan;
using nlohmann::json;

namespace {

// An Append over `branches` scans, as EXPLAIN (FORMAT JSON) shapes it.
json append_plan(int branches) {
  json plans = json::array();
  for (int i = 0; i < branches; ++i)
    plans.push_back({{"Node Type", "Seq Scan"}, {"Relation Name", "positions_" + std::to_string(i)}});
  return {{"total_cost", 1.0}, {"plan", {{"Node Type", "Append"}, {"Plans", plans}}}};
}

}  // namespace

TEST_CASE("a plan within the cap is left whole") {
  json summary = append_plan(3);
  CHECK(fit_plan(summary, 10000) == summary);
}

TEST_CASE("a plan over the cap keeps its top nodes and says how many were left out") {
  json fitted = fit_plan(append_plan(2000), 4000);
  CHECK(fitted.dump().size() <= 4000);
  CHECK(fitted["plan_nodes"] == 2001);
  const json& top = fitted["plan"];
  CHECK(top["Node Type"] == "Append");
  const std::size_t shown = top["Plans"].size();
  CHECK(shown > 10);
  CHECK(top["Nodes Left Out"] == 2000 - shown);
  CHECK(fitted["plan_nodes_left_out"] == 2000 - shown);
  CHECK(top["Plans"][0]["Relation Name"] == "positions_0");
  CHECK(fitted["note"].get<std::string>().find("Explain a narrower query") != std::string::npos);
}

TEST_CASE("a deep plan is cut below its top levels") {
  json node = {{"Node Type", "Seq Scan"}};
  for (int depth = 0; depth < 300; ++depth) node = {{"Node Type", "Nested Loop"}, {"Plans", json::array({node})}};
  json fitted = fit_plan({{"plan", node}}, 2000);
  CHECK(fitted.dump().size() <= 2000);
  std::size_t shown = 0;
  const json* level = &fitted["plan"];
  for (; level->contains("Plans"); level = &(*level)["Plans"][0]) ++shown;
  CHECK((*level)["Nodes Left Out"] == 301 - shown - 1);
}

TEST_CASE("when not even the top node fits, the figures stay and the note says so") {
  json summary = {{"total_cost", 1.0}, {"plan", {{"Node Type", "Result"}, {"Filter", std::string(5000, 'x')}}}};
  json fitted = fit_plan(summary, 1000);
  CHECK_FALSE(fitted.contains("plan"));
  CHECK(fitted["total_cost"] == 1.0);
  CHECK(fitted["note"].get<std::string>().find("not even its top node fits") != std::string::npos);
}
