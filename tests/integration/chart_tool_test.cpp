// The chart tool against the demo database: what it draws, what the model
// reads, and that it keeps every guard of the query tool.
#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

// Daily trips over the demo data's last 14 days (the demo is anchored in the past).
const char* kDailyTrips =
    "SELECT started_at::date AS day, count(*) AS trips FROM reporting.v_trips "
    "WHERE started_at > (SELECT max(started_at) FROM reporting.v_trips) - interval '14 days' GROUP BY 1 ORDER BY 1";

json daily_trips_bar() { return {{"sql", kDailyTrips}, {"mark", "bar"}, {"x", "day"}, {"y", "trips"}, {"title", "Trips per day"}}; }

}  // namespace

TEST_CASE("chart draws daily trips as bars: the rows and spec as structured content, a summary for the model") {
  Toolbox box;
  auto result = box.call("chart", daily_trips_bar(), true);
  INFO(result.text);
  REQUIRE_FALSE(result.is_error);
  const json& content = result.structured_content;
  CHECK(content["columns"] == json::array({{{"name", "day"}, {"type", "date"}}, {{"name", "trips"}, {"type", "int8"}}}));
  const std::size_t days = content["rows"].size();
  CHECK(days >= 13);
  CHECK(days <= 15);
  CHECK(content["chart"]["spec"]["mark"]["type"] == "bar");
  CHECK(content["chart"]["spec"]["title"] == "Trips per day");
  CHECK(result.text.find("Drew a bar chart \"Trips per day\" from " + std::to_string(days) + " rows; x day: ") == 0);
  CHECK(result.text.find("The user sees the chart") != std::string::npos);
  CHECK(result.more_text.empty());
  CHECK(result.audit_facts["chart"] == "bar");
  CHECK(result.audit_facts["rows"] == days);
}

TEST_CASE("a client without MCP Apps gets the same summary and the rows as JSON text") {
  Toolbox box;
  auto result = box.call("chart", daily_trips_bar(), false);
  REQUIRE_FALSE(result.is_error);
  REQUIRE(result.more_text.size() == 1);
  json data = json::parse(result.more_text[0]);
  CHECK(data["rows"] == result.structured_content["rows"]);
  CHECK(result.text.find("did not declare the MCP Apps extension (io.modelcontextprotocol/ui)") != std::string::npos);
}

TEST_CASE("a map plots trip starts from the PostGIS geometry column") {
  Toolbox box;
  auto result = box.call("chart", {{"sql", "SELECT plate, start_geom FROM reporting.v_trips ORDER BY trip_id LIMIT 50"},
                                   {"mark", "map"}, {"series", "plate"}}, true);
  INFO(result.text);
  REQUIRE_FALSE(result.is_error);
  CHECK(result.structured_content["columns"][1]["type"] == "geometry");
  CHECK(result.structured_content["rows"][0][1]["type"] == "Point");
  CHECK(result.structured_content["chart"]["spec"]["projection"]["type"] == "mercator");
  CHECK(result.text.find("Drew a map of points from 50 rows; plate: ") == 0);
}

TEST_CASE("chart keeps the query tool's guard: a write is refused before anything runs") {
  Toolbox box;
  auto refused = box.call("chart", {{"sql", "DELETE FROM tracksolid.devices"}, {"mark", "bar"}, {"x", "a"}, {"y", "b"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("Query refused") == 0);
  json count = box.data("query", {{"sql", "SELECT count(*) FROM tracksolid.devices"}});
  CHECK(count["rows"][0][0].get<int>() > 0);
}

TEST_CASE("chart keeps the query tool's caps and reports the cut in its summary") {
  Toolbox box;
  auto result = box.call("chart", {{"sql", "SELECT g AS x, g * g AS y FROM generate_series(1, 50) g"}, {"max_rows", 10},
                                   {"mark", "line"}, {"x", "x"}, {"y", "y"}}, true);
  REQUIRE_FALSE(result.is_error);
  CHECK(result.structured_content["rows"].size() == 10);
  CHECK(result.structured_content["truncated"] == true);
  CHECK(result.text.find("stopped at the rows cap, so only the first 10 rows are drawn") != std::string::npos);
}

TEST_CASE("a spec that would fetch data is refused before the query runs; a wrong column after, naming the columns") {
  Toolbox box;
  auto fetching = box.call("chart", {{"sql", kDailyTrips}, {"vega_lite", {{"mark", "bar"}, {"data", {{"url", "https://example.com/a.csv"}}}}}});
  CHECK(fetching.is_error);
  CHECK(fetching.text.find("vega_lite.data.url:") == 0);
  auto misnamed = box.call("chart", {{"sql", kDailyTrips}, {"mark", "bar"}, {"x", "date"}, {"y", "trips"}});
  CHECK(misnamed.is_error);
  CHECK(misnamed.text.find("x: the query's result has no column \"date\"; its columns are day, trips.") == 0);
  CHECK(misnamed.audit_facts["sql"] == kDailyTrips);
}

TEST_CASE("an unknown argument to chart is refused by name") {
  Toolbox box;
  auto refused = box.call("chart", {{"sql", "SELECT 1 AS a, 2 AS b"}, {"mark", "bar"}, {"x", "a"}, {"y", "b"}, {"colour", "a"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("colour") != std::string::npos);
}
