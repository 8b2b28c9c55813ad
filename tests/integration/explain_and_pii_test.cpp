// The explain tool against the demo database, and the PII deny-list applied by
// scripts/apply_pii_deny_list.sh: hidden columns are marked, refused with a
// clear error, and their tables still listed.
#include <cstdlib>
#include <filesystem>

#include "test_database.h"

using fleetmcp::testing::Toolbox;
using fleetmcp::testing::environment_or_empty;
using nlohmann::json;

TEST_CASE("explain returns cost, estimated rows and the plan; analyze adds actual figures") {
  Toolbox box;
  json plain = box.data("explain", {{"sql", "SELECT * FROM tracksolid.positions WHERE device_id = 3"}});
  CHECK(plain["total_cost"].get<double>() > 0);
  CHECK(plain["estimated_rows"].get<double>() > 0);
  CHECK(plain["analyzed"] == false);
  CHECK(plain["plan"].contains("Node Type"));
  CHECK_FALSE(plain.contains("actual_rows"));

  json analyzed = box.data("explain", {{"sql", "SELECT g FROM generate_series(1, 500) g"}, {"analyze", true}});
  CHECK(analyzed["analyzed"] == true);
  CHECK(analyzed["actual_rows"] == 500);
  CHECK(analyzed.contains("execution_time_ms"));
  CHECK(analyzed["plan"]["Node Type"] == "Function Scan");
}

TEST_CASE("explain refuses writes, EXPLAIN given twice, and runs analyze read-only") {
  Toolbox box;
  auto write = box.call("explain", {{"sql", "DELETE FROM fuel.records"}, {"analyze", true}});
  CHECK(write.is_error);
  CHECK(write.text.find("Explain refused: DELETE is not allowed") == 0);
  auto doubled = box.call("explain", {{"sql", "EXPLAIN ANALYZE SELECT 1"}});
  CHECK(doubled.is_error);
  CHECK(doubled.text.find("EXPLAIN") != std::string::npos);
  auto writing_function = box.call("explain", {{"sql", "SELECT reporting.refresh_v_trips()"}, {"analyze", true}});
  CHECK(writing_function.is_error);
  CHECK(writing_function.audit_facts["sqlstate"] == "25006");
  auto bad_column = box.call("explain", {{"sql", "SELECT nope\nFROM tracksolid.devices"}});
  CHECK(bad_column.text.find("LINE 1: SELECT nope") != std::string::npos);
}

TEST_CASE("the PII deny-list hides columns in the database itself") {
  const auto root = std::filesystem::path{__FILE__}.parent_path().parent_path().parent_path();
  const std::string admin_url = environment_or_empty("TESTDB_ADMIN_URL");
  REQUIRE_FALSE(admin_url.empty());
  const std::string command =
      (root / "scripts" / "apply_pii_deny_list.sh").string() + " --admin-dsn '" + admin_url + "' >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);

  Toolbox box;
  json described = box.data("describe_table", {{"schema", "tickets"}, {"table", "inc"}});
  bool assignee_hidden = false, summary_hidden = false;
  for (const json& column : described["columns"]) {
    if (column["name"] == "assignee") assignee_hidden = column.value("hidden", false);
    if (column["name"] == "summary") summary_hidden = column.value("hidden", false);
  }
  CHECK(assignee_hidden);
  CHECK_FALSE(summary_hidden);

  json tables = box.data("list_tables", {{"schema", "tickets"}});
  CHECK(tables.dump().find("\"inc\"") != std::string::npos);

  auto named = box.call("query", {{"sql", "SELECT inc_number, assignee FROM tickets.inc"}});
  CHECK(named.is_error);
  CHECK(named.text.find("42501") != std::string::npos);
  CHECK(named.text.find("hidden by the PII deny-list: assignee") != std::string::npos);
  auto star = box.call("query", {{"sql", "SELECT * FROM tickets.inc_open_sla"}});
  CHECK(star.is_error);
  CHECK(star.text.find("SELECT * reads them all") != std::string::npos);

  json visible = box.data("query", {{"sql", "SELECT inc_number, summary FROM tickets.inc ORDER BY 1 LIMIT 2"}});
  CHECK(visible["row_count"] == 2);
}
