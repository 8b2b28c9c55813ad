#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

// The join a model wrote with no conditions: the demo plans ~3e11 rows.
constexpr const char* kCartesian =
    "SELECT count(*) FROM tracksolid.positions a, tracksolid.positions b, tracksolid.events c";

}  // namespace

TEST_CASE("a join with no condition is refused from its plan, with the relations and the fix named") {
  Toolbox box;
  auto refused = box.call("query", {{"sql", kCartesian}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("Query refused: the plan would run away") != std::string::npos);
  CHECK(refused.text.find("with no join condition") != std::string::npos);
  CHECK(refused.text.find("ON / WHERE") != std::string::npos);
  CHECK(refused.text.find("allow_expensive") != std::string::npos);
  CHECK(refused.text.find("57014") == std::string::npos);  // refused, not timed out
}

TEST_CASE("allow_expensive runs the runaway anyway, within its timeout") {
  Toolbox box;
  auto ran = box.call("query", {{"sql", kCartesian}, {"allow_expensive", true}, {"timeout_s", 1}});
  CHECK(ran.is_error);
  CHECK(ran.text.find("57014") != std::string::npos);
  CHECK(ran.text.find("plan would run away") == std::string::npos);
}

TEST_CASE("honest aggregates pass the guard, bind parameters included") {
  Toolbox box;
  json counted = box.data("query", {{"sql", "SELECT device_id, count(*) FROM tracksolid.positions "
                                            "WHERE ts >= $1::timestamptz GROUP BY 1 ORDER BY 1"},
                                    {"params", {"2000-01-01"}}});
  CHECK(counted["row_count"].get<int>() > 0);
  json whole = box.data("query", {{"sql", "SELECT count(*) FROM tracksolid.positions"}});
  CHECK(whole["rows"][0][0].get<int>() > 0);
}

TEST_CASE("an EXPLAIN statement is not planned again: the runaway's own plan comes back") {
  Toolbox box;
  json plan = box.data("query", {{"sql", std::string{"EXPLAIN (FORMAT JSON) "} + kCartesian}});
  CHECK(plan["row_count"] == 1);
}

TEST_CASE("lower limits from the configuration refuse sooner") {
  fleetmcp::Config config;
  config.max_plan_rows = 10;
  Toolbox box{config};
  auto refused = box.call("query", {{"sql", "SELECT device_id FROM tracksolid.positions"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("over MCP_MAX_PLAN_ROWS 10") != std::string::npos);
  CHECK(refused.text.find("WHERE ts >=") != std::string::npos);
  // Unaliased, the plan shows only chunks; the refusal names the hypertable.
  CHECK(refused.text.find("chunks of tracksolid.positions is read whole") != std::string::npos);
  CHECK(refused.text.find("_hyper_") == std::string::npos);
}
