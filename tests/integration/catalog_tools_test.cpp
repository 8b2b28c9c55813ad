#include <algorithm>

#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {
const json* find_named(const json& items, const std::string& name) {
  for (const auto& item : items)
    if (item["name"] == name) return &item;
  return nullptr;
}
}  // namespace

TEST_CASE("list_schemas shows the four readable schemas with counts, and nothing else") {
  Toolbox box;
  json schemas = box.data("list_schemas", json::object())["schemas"];
  std::vector<std::string> names;
  for (const auto& schema : schemas) names.push_back(schema["name"]);
  CHECK(names == std::vector<std::string>{"reporting", "tracksolid", "tickets", "fuel"});
  const json* reporting = find_named(schemas, "reporting");
  REQUIRE(reporting != nullptr);
  CHECK((*reporting)["materialized_views"].get<int>() >= 1);
  CHECK((*reporting)["functions"].get<int>() >= 1);
  CHECK((*reporting)["comment"].is_string());
}

TEST_CASE("a configured schema the role cannot use is reported as unavailable") {
  fleetmcp::Config config;
  config.readable_schemas = {"reporting", "infrastructure"};
  Toolbox box{config};
  json answer = box.data("list_schemas", json::object());
  CHECK(answer["schemas"].size() == 1);
  CHECK(answer["unavailable"] == json::array({"infrastructure"}));
}

TEST_CASE("list_tables includes the materialized view v_trips, which information_schema misses") {
  Toolbox box;
  json tables = box.data("list_tables", {{"schema", "reporting"}})["tables"];
  const json* trips = find_named(tables, "v_trips");
  REQUIRE(trips != nullptr);
  CHECK((*trips)["kind"] == "materialized view");
  CHECK((*trips)["populated"] == true);
  CHECK((*trips)["size_bytes"].get<long long>() > 0);
  const json* summary = find_named(tables, "v_daily_summary");
  REQUIRE(summary != nullptr);
  CHECK((*summary)["kind"] == "view");
}

TEST_CASE("schemas outside MCP_READABLE_SCHEMAS are refused with the list of readable ones") {
  Toolbox box;
  for (const char* tool : {"list_tables", "list_functions"}) {
    auto result = box.call(tool, {{"schema", "infrastructure"}});
    CHECK(result.is_error);
    CHECK(result.text.find("Readable schemas: reporting, tracksolid, tickets, fuel") != std::string::npos);
  }
  auto hidden = box.call("list_tables", {{"schema", "_timescaledb_internal"}});
  CHECK(hidden.is_error);
}

TEST_CASE("describe_table gives full types, PostGIS type and SRID, keys and indexes") {
  Toolbox box;
  json table = box.data("describe_table", {{"schema", "tracksolid"}, {"table", "positions"}});
  const json* geom = find_named(table["columns"], "geom");
  REQUIRE(geom != nullptr);
  CHECK((*geom)["type"] == "geometry(Point,4326)");
  CHECK((*geom)["geometry"] == json{{"type", "Point"}, {"srid", 4326}});
  CHECK_FALSE(table["indexes"].empty());

  json clusters = box.data("describe_table", {{"schema", "tickets"}, {"table", "geo_clusters"}});
  const json* boundary = find_named(clusters["columns"], "boundary");
  REQUIRE(boundary != nullptr);
  CHECK((*boundary)["geometry"]["srid"] == 32737);

  json devices = box.data("describe_table", {{"schema", "tracksolid"}, {"table", "devices"}});
  CHECK_FALSE(devices["primary_key"].empty());
}

TEST_CASE("an unknown table names close matches") {
  Toolbox box;
  auto result = box.call("describe_table", {{"schema", "tracksolid"}, {"table", "postions"}});
  CHECK(result.is_error);
  CHECK(result.text.find("tracksolid.positions") != std::string::npos);
}

TEST_CASE("list_functions shows the reporting fn_* functions with signatures") {
  Toolbox box;
  json functions = box.data("list_functions", {{"schema", "reporting"}})["functions"];
  bool found = false;
  for (const auto& function : functions)
    if (function["name"].get<std::string>().rfind("fn_", 0) == 0) {
      found = true;
      CHECK(function["returns"].is_string());
      CHECK(function["volatility"].is_string());
    }
  CHECK(found);
}

TEST_CASE("names that need quoting work everywhere: \"Odd Schema\".\"Mixed Case\".\"select\"") {
  fleetmcp::Config config;
  config.readable_schemas = {"Odd Schema"};
  Toolbox box{config};
  json tables = box.data("list_tables", {{"schema", "Odd Schema"}})["tables"];
  REQUIRE(find_named(tables, "Mixed Case") != nullptr);
  json table = box.data("describe_table", {{"schema", "Odd Schema"}, {"table", "Mixed Case"}});
  CHECK(find_named(table["columns"], "select") != nullptr);
  json sample = box.data("sample_table", {{"schema", "Odd Schema"}, {"table", "Mixed Case"}, {"n", 4}});
  CHECK(sample["row_count"] == 4);
  CHECK(sample["columns"][1]["name"] == "select");
  json rows = box.data("query", {{"sql", "SELECT \"select\" FROM \"Odd Schema\".\"Mixed Case\" WHERE id = 2"}});
  CHECK(rows["rows"][0][0] == "it's quoted");
}

TEST_CASE("describe_table speaks query's type names, shows CHECK constraints and view definitions, and omits empty fields") {
  Toolbox box;
  json events = box.data("describe_table", {{"schema", "tracksolid"}, {"table", "events"}});
  json sample = box.data("sample_table", {{"schema", "tracksolid"}, {"table", "events"}, {"n", 1}});
  REQUIRE(sample["columns"].size() == events["columns"].size());
  for (std::size_t i = 0; i < sample["columns"].size(); ++i) {
    const std::string described = events["columns"][i]["type"];
    const std::string answered = sample["columns"][i]["type"];
    INFO("column " << sample["columns"][i]["name"]);
    CHECK(described.rfind(answered, 0) == 0);  // geometry(Point,4326) keeps its modifier
  }
  CHECK((*find_named(events["columns"], "ts"))["type"] == "timestamptz");
  CHECK((*find_named(events["columns"], "event_id"))["type"] == "int8");
  CHECK(events["check_constraints"][0]["definition"].get<std::string>().find("'harsh_braking'") != std::string::npos);
  const json& speed = *find_named(events["columns"], "speed");
  CHECK_FALSE(speed.contains("default"));
  CHECK_FALSE(speed.contains("comment"));
  CHECK_FALSE(speed.contains("primary_key"));
  CHECK((*find_named(events["columns"], "event_id"))["primary_key"] == true);

  json summary = box.data("describe_table", {{"schema", "reporting"}, {"table", "v_daily_summary"}});
  CHECK(summary["definition"].get<std::string>().find("AT TIME ZONE 'Africa/Nairobi'") != std::string::npos);
  json inc = box.data("describe_table", {{"schema", "tickets"}, {"table", "inc"}});
  CHECK(inc.dump().size() < 4900);  // 4.9 KB before the empty fields went
}
