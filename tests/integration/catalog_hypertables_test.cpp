// The catalog tools on real TimescaleDB hypertables (src/catalog/): kinds,
// rows, sizes and time ranges checked against what the superuser measures
// with count(*), hypertable_size() and the chunk metadata.
#include <cmath>

#include "admin_database.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

const json& named(const json& items, const std::string& name) {
  for (const auto& item : items)
    if (item["name"] == name) return item;
  FAIL("no entry named " << name << " in " << items.dump());
  static const json none;
  return none;
}

template <typename T>
T admin_value(AdminDatabase& admin, const std::string& sql) {
  pqxx::nontransaction tx{admin.connection()};
  return tx.query_value<T>(sql);
}

bool within(double estimate, double truth, double fraction) { return std::abs(estimate - truth) <= truth * fraction; }

}  // namespace

TEST_CASE("list_tables reports hypertables with their true rows, size and time range, and no chunks") {
  Toolbox box;
  AdminDatabase admin;
  json tables = box.data("list_tables", {{"schema", "tracksolid"}})["tables"];
  // events keeps its chunks in tracksolid itself (associated_schema_name); none is listed.
  for (const auto& table : tables) CHECK(table["name"].get<std::string>().find("_hyper_") == std::string::npos);
  CHECK(tables.size() == 3);

  for (const char* name : {"positions", "events"}) {
    INFO("table " << name);
    const json& table = named(tables, name);
    const std::string relation = std::string{"tracksolid."} + name;
    CHECK(table["kind"] == "hypertable");
    CHECK(table["hypertable"]["time_column"] == "ts");
    CHECK(table["hypertable"]["chunk_interval"] == "P1D");
    CHECK(table["hypertable"]["chunks"] ==
          admin_value<long long>(admin, "SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_schema = "
                                 "'tracksolid' AND hypertable_name = '" + std::string{name} + "'"));
    const auto rows = admin_value<long long>(admin, "SELECT count(*) FROM " + relation);
    CHECK(rows > 1000);
    CHECK(within(table["estimated_rows"].get<double>(), static_cast<double>(rows), 0.10));
    const auto bytes = admin_value<long long>(admin, "SELECT hypertable_size('" + relation + "')");
    CHECK(within(table["size_bytes"].get<double>(), static_cast<double>(bytes), 0.05));
    // Exact first and last timestamps, read from the index on ts.
    CHECK(table["time_range"]["column"] == "ts");
    CHECK_FALSE(table["time_range"].contains("from_chunk_bounds"));
    CHECK(table["time_range"]["first"] == json::parse(admin_value<std::string>(admin, 
                                              "SELECT to_json(min(ts))::text FROM " + relation)));
    CHECK(table["time_range"]["last"] == json::parse(admin_value<std::string>(admin, 
                                             "SELECT to_json(max(ts))::text FROM " + relation)));
  }
  CHECK(named(tables, "devices")["kind"] == "table");
  CHECK_FALSE(named(tables, "devices").contains("time_range"));  // no index on a time column

  json schemas = box.data("list_schemas", json::object())["schemas"];
  CHECK(named(schemas, "tracksolid")["tables"] == 3);
  CHECK(named(schemas, "tracksolid")["hypertables"] == 2);
  CHECK(named(schemas, "fuel")["hypertables"] == 1);
}

TEST_CASE("a hypertable whose time column no index leads gives its chunk bounds, and says so") {
  Toolbox box;
  AdminDatabase admin;
  json records = named(box.data("list_tables", {{"schema", "fuel"}})["tables"], "records");
  CHECK(records["kind"] == "hypertable");
  CHECK(records["hypertable"]["chunk_interval"] == "P7D");
  CHECK(records["time_range"]["from_chunk_bounds"] == true);
  CHECK(records["time_range"]["first"] ==
        json::parse(admin_value<std::string>(admin, "SELECT to_json(min(range_start))::text FROM "
                                             "timescaledb_information.chunks WHERE hypertable_name = 'records'")));
  CHECK(records["time_range"]["last"] ==
        json::parse(admin_value<std::string>(admin, "SELECT to_json(max(range_end))::text FROM "
                                             "timescaledb_information.chunks WHERE hypertable_name = 'records'")));
  CHECK(records["estimated_rows"] == admin_value<long long>(admin, "SELECT count(*) FROM fuel.records"));
}

TEST_CASE("describe_table says what a hypertable is; a chunk is not a table to describe") {
  Toolbox box;
  AdminDatabase admin;
  json events = box.data("describe_table", {{"schema", "tracksolid"}, {"table", "events"}});
  CHECK(events["kind"] == "hypertable");
  CHECK(events["hypertable"]["time_column"] == "ts");
  CHECK(events["hypertable"]["time_column_type"] == "timestamptz");
  CHECK(events["hypertable"]["chunks"].get<int>() >= 10);
  CHECK(events["time_range"]["last"] ==
        json::parse(admin_value<std::string>(admin, "SELECT to_json(max(ts))::text FROM tracksolid.events")));
  CHECK(within(events["estimated_rows"].get<double>(),
               static_cast<double>(admin_value<long long>(admin, "SELECT count(*) FROM tracksolid.events")), 0.10));

  json trips = box.data("describe_table", {{"schema", "reporting"}, {"table", "v_trips"}});
  CHECK(trips["kind"] == "materialized view");
  CHECK(trips["time_range"]["column"] == "started_at");  // its index on started_at

  const std::string chunk = admin_value<std::string>(admin, 
      "SELECT chunk_name FROM timescaledb_information.chunks WHERE hypertable_name = 'events' LIMIT 1");
  auto refused = box.call("describe_table", {{"schema", "tracksolid"}, {"table", chunk}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("no table or view named '" + chunk + "'") != std::string::npos);
}

TEST_CASE("a hypertable filled but never analyzed says its row estimate is partial, and is right after ANALYZE") {
  AdminDatabase admin;
  auto admin_run = [&](const std::string& sql) {
    pqxx::nontransaction tx{admin.connection()};
    tx.exec(sql);
  };
  admin_run("DROP TABLE IF EXISTS tracksolid.late_readings");
  admin_run("CREATE TABLE tracksolid.late_readings (ts timestamptz NOT NULL, value double precision)"
            " WITH (autovacuum_enabled = false)");
  admin_run("SELECT FROM create_hypertable('tracksolid.late_readings', by_range('ts', interval '1 day'))");
  admin_run("INSERT INTO tracksolid.late_readings SELECT timestamptz '2026-10-01' + g * interval '1 minute', g"
            " FROM generate_series(1, 20000) g");
  admin_run("GRANT SELECT ON tracksolid.late_readings TO analytics_ro");
  Toolbox box;
  json before = named(box.data("list_tables", {{"schema", "tracksolid"}})["tables"], "late_readings");
  CHECK(before["kind"] == "hypertable");
  CHECK(before["unanalyzed_chunks"].get<int>() >= 10);
  CHECK(before["size_bytes"].get<long long>() > 0);

  admin_run("ANALYZE tracksolid.late_readings");
  json after = named(box.data("list_tables", {{"schema", "tracksolid"}})["tables"], "late_readings");
  CHECK_FALSE(after.contains("unanalyzed_chunks"));
  CHECK(within(after["estimated_rows"].get<double>(), 20000, 0.10));
  CHECK(after["time_range"]["first"] == "2026-10-01T00:01:00+00:00");
  CHECK(after["time_range"]["last"] == "2026-10-14T21:20:00+00:00");
  admin_run("DROP TABLE tracksolid.late_readings");
}

TEST_CASE("continuous aggregates are listed as such (needs the Timescale edition)") {
  AdminDatabase admin;
  const std::string license = admin_value<std::string>(admin, "SELECT current_setting('timescaledb.license')");
  if (license == "apache") {
    MESSAGE("skipped: TimescaleDB's Apache edition has no continuous aggregates (timescaledb.license = apache); "
            "the code path reads timescaledb_information.continuous_aggregates");
    return;
  }
  pqxx::nontransaction tx{admin.connection()};
  tx.exec("CREATE MATERIALIZED VIEW reporting.hourly_positions WITH (timescaledb.continuous) AS"
          " SELECT time_bucket('1 hour', ts) AS hour, count(*) FROM tracksolid.positions GROUP BY 1");
  tx.exec("GRANT SELECT ON reporting.hourly_positions TO analytics_ro");
  Toolbox box;
  json aggregate = named(box.data("list_tables", {{"schema", "reporting"}})["tables"], "hourly_positions");
  CHECK(aggregate["kind"] == "continuous aggregate");
  CHECK(aggregate["continuous_aggregate"]["source"] == "tracksolid.positions");
  tx.exec("DROP MATERIALIZED VIEW reporting.hourly_positions");
}
