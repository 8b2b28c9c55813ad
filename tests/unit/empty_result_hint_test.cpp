#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tools/empty_result_hint.h"

using fleetmcp::tools::add_hint;
using fleetmcp::tools::empty_result_hint;

TEST_CASE("an empty answer to a period relative to now gets a hint to look at time_range") {
  CHECK(empty_result_hint("SELECT * FROM reporting.v_trips WHERE started_at >= NOW() - interval '30 days'")
            .find("time_range") != std::string::npos);
  CHECK_FALSE(empty_result_hint("SELECT count(*) FROM t WHERE d = Current_Date").empty());
  CHECK(empty_result_hint("SELECT * FROM tracksolid.devices WHERE plate = 'X'").empty());
}

TEST_CASE("the hint is added to the answer's JSON object as a field") {
  std::string answer = R"({"rows":[],"row_count":0})";
  add_hint(answer, "No rows. \"quoted\"");
  auto parsed = nlohmann::json::parse(answer);
  CHECK(parsed["hint"] == "No rows. \"quoted\"");
  CHECK(parsed["row_count"] == 0);
}
