// MCP_TIME_ZONE end to end: the zone every call runs in, named in each
// result, checked at connect, and not left changed by a statement.
#include "admin_database.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

Toolbox nairobi_toolbox() {
  fleetmcp::Config config;
  config.time_zone = "Africa/Nairobi";
  return Toolbox{config};
}

// day → trips, as the superuser counts them in `zone`.
std::map<std::string, long long> trips_per_day(AdminDatabase& admin, const std::string& zone) {
  pqxx::nontransaction tx{admin.connection()};
  std::map<std::string, long long> days;
  for (auto [day, trips] : tx.query<std::string, long long>(
           "SELECT (started_at AT TIME ZONE " + tx.quote(zone) + ")::date::text, count(*) FROM reporting.v_trips "
           "GROUP BY 1"))
    days[day] = trips;
  return days;
}

}  // namespace

TEST_CASE("under MCP_TIME_ZONE=Africa/Nairobi timestamps carry +03:00 and ::date counts Nairobi days") {
  Toolbox box = nairobi_toolbox();
  json first = box.data("query", {{"sql", "SELECT ts FROM tracksolid.positions ORDER BY ts LIMIT 1"}});
  CHECK(first["time_zone"] == "Africa/Nairobi");
  const std::string ts = first["rows"][0][0];
  CHECK(ts.substr(ts.size() - 6) == "+03:00");

  AdminDatabase admin;
  const auto nairobi = trips_per_day(admin, "Africa/Nairobi");
  const auto utc = trips_per_day(admin, "UTC");
  REQUIRE(nairobi != utc);  // the demo's trips straddle midnight: the zone changes the answer
  json days = box.data("query", {{"sql", "SELECT started_at::date::text, count(*) FROM reporting.v_trips GROUP BY 1"},
                                 {"max_rows", 100}});
  std::map<std::string, long long> answered;
  for (const auto& row : days["rows"]) answered[row[0].get<std::string>()] = row[1].get<long long>();
  CHECK(answered == nairobi);
}

TEST_CASE("without MCP_TIME_ZONE the database's own zone is used and named") {
  Toolbox box;
  json answer = box.data("query", {{"sql", "SELECT timestamptz '2026-10-28 12:00:00+03' AS t"}});
  CHECK(answer["time_zone"] == "UTC");  // scripts/testdb runs the server in UTC
  CHECK(answer["rows"][0][0] == "2026-10-28T09:00:00+00:00");
}

TEST_CASE("a statement that changes the session's zone does not change the next call's") {
  Toolbox box = nairobi_toolbox();
  box.data("query", {{"sql", "SELECT set_config('TimeZone', 'UTC', false)"}});
  json after = box.data("query", {{"sql", "SELECT current_setting('TimeZone')"}});
  CHECK(after["rows"][0][0] == "Africa/Nairobi");
}

TEST_CASE("an unknown MCP_TIME_ZONE is refused at connect with the zone it probably meant") {
  fleetmcp::Config config;
  config.time_zone = "Africa/Nairob";
  Toolbox box{config};
  auto result = box.call("query", {{"sql", "SELECT 1"}});
  CHECK(result.is_error);
  CHECK(result.text.find("MCP_TIME_ZONE 'Africa/Nairob' is not a time zone") != std::string::npos);
  CHECK(result.text.find("Did you mean Africa/Nairobi") != std::string::npos);
}

TEST_CASE("'the last 30 days' past the end of the data answers no rows with a hint, not a bare []") {
  Toolbox box = nairobi_toolbox();
  json empty = box.data("query", {{"sql", "SELECT count(*) AS trips, cost_centre FROM reporting.v_trips "
                                          "WHERE started_at >= now() - interval '30 days' GROUP BY 2"}});
  CHECK(empty["row_count"] == 0);
  CHECK(empty["hint"].get<std::string>().find("time_range") != std::string::npos);
  json found = box.data("query", {{"sql", "SELECT count(*) FROM reporting.v_trips WHERE started_at < now()"}});
  CHECK_FALSE(found.contains("hint"));
}
