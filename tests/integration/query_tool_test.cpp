#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;

TEST_CASE("query returns typed columns and rows, and says when it truncated") {
  Toolbox box;
  json result = box.data("query", {{"sql", "SELECT device_id, ts FROM tracksolid.positions ORDER BY ts"}, {"max_rows", 5}});
  CHECK(result["columns"][0] == json{{"name", "device_id"}, {"type", "int4"}});
  CHECK(result["row_count"] == 5);
  CHECK(result["rows"].size() == 5);
  CHECK(result["truncated"] == true);
  CHECK(result["truncated_reason"] == "rows");

  json exact = box.data("query", {{"sql", "SELECT g FROM generate_series(1, 5) g"}, {"max_rows", 5}});
  CHECK(exact["truncated"] == false);
  CHECK(exact["rows"] == json::parse("[[1],[2],[3],[4],[5]]"));
}

TEST_CASE("the default row count is 1000 and max_rows above MCP_MAX_ROWS is refused") {
  Toolbox box;
  json result = box.data("query", {{"sql", "SELECT g FROM generate_series(1, 1500) g"}});
  CHECK(result["row_count"] == 1000);
  CHECK(result["truncated"] == true);
  auto refused = box.call("query", {{"sql", "SELECT 1"}, {"max_rows", 10001}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("max_rows") != std::string::npos);
}

TEST_CASE("the byte cap stops a result and says so") {
  fleetmcp::Config config;
  config.max_bytes = 10000;
  Toolbox box{config};
  json result = box.data("query", {{"sql", "SELECT repeat('x', 100) FROM generate_series(1, 1000)"}});
  CHECK(result["truncated"] == true);
  CHECK(result["truncated_reason"] == "bytes");
  CHECK(result["row_count"].get<int>() < 100);
  CHECK(result["row_count"].get<int>() > 50);
}

TEST_CASE("bind parameters fill $1..$n") {
  Toolbox box;
  json result = box.data("query", {{"sql", "SELECT $1::int + 1, $2::text, $3::bool, $4::text IS NULL"},
                                   {"params", {41, "it's", true, nullptr}}});
  CHECK(result["rows"][0] == json{42, "it's", true, true});
}

TEST_CASE("an UPDATE is refused and nothing changes") {
  Toolbox box;
  json before = box.data("query", {{"sql", "SELECT count(*) FROM tracksolid.devices WHERE plate IS NULL"}});
  auto refused = box.call("query", {{"sql", "UPDATE tracksolid.devices SET plate = NULL"}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("read-only") != std::string::npos);
  json after = box.data("query", {{"sql", "SELECT count(*) FROM tracksolid.devices WHERE plate IS NULL"}});
  CHECK(before["rows"] == after["rows"]);
}

TEST_CASE("SQL errors carry SQLSTATE and a caret in the analyst's own statement") {
  Toolbox box;
  auto result = box.call("query", {{"sql", "SELECT nope\nFROM tracksolid.devices"}});
  CHECK(result.is_error);
  CHECK(result.text.find("ERROR 42703") == 0);
  CHECK(result.text.find("LINE 1: SELECT nope") != std::string::npos);
  CHECK(result.audit_facts["sqlstate"] == "42703");
}

TEST_CASE("the cursor's own wrapping never shows: a statement ending early, a trailing comment, duplicate names") {
  Toolbox box;
  auto incomplete = box.call("query", {{"sql", "SELECT *\nFROM"}});
  CHECK(incomplete.is_error);
  CHECK(incomplete.text.find("ERROR 42601: syntax error at end of input") == 0);
  CHECK(incomplete.text.find("fleetmcp") == std::string::npos);

  json commented = box.data("query", {{"sql", "SELECT 1 AS a, 2 AS a -- the same name twice"}});
  CHECK(commented["columns"].size() == 2);
  CHECK(commented["rows"] == json::parse("[[1,2]]"));

  // ORDER BY inside the statement still orders the rows the cursor hands out.
  json ordered = box.data("query", {{"sql", "SELECT g FROM generate_series(1, 50) g ORDER BY g DESC"}, {"max_rows", 3}});
  CHECK(ordered["rows"] == json::parse("[[50],[49],[48]]"));
  CHECK(ordered["truncated"] == true);
}

TEST_CASE("rows fetched ahead: every row arrives once, in order, whatever the batch sizes") {
  fleetmcp::Config config;
  config.max_bytes = 100000;
  Toolbox box{config};
  // Eight wide rows first make the next batches look costly; the narrow rows
  // after them still all fit, so nothing may be cut.
  json mixed = box.data("query", {{"sql", "SELECT g, CASE WHEN g <= 8 THEN repeat('x', 5000) ELSE 'y' END "
                                          "FROM generate_series(1, 3000) g ORDER BY g"},
                                  {"max_rows", 5000}});
  CHECK(mixed["truncated"] == false);
  REQUIRE(mixed["row_count"] == 3000);
  bool in_order = true;
  for (int i = 0; i < 3000; ++i) in_order = in_order && mixed["rows"][i][0] == i + 1;
  CHECK(in_order);

  Toolbox plain;
  json many = plain.data("query", {{"sql", "SELECT g FROM generate_series(1, 9999) g"}, {"max_rows", 10000}});
  CHECK(many["row_count"] == 9999);
  CHECK(many["truncated"] == false);
  CHECK(many["rows"][9998][0] == 9999);
}

TEST_CASE("an error after thousands of rows were read is reported, and the next call runs") {
  Toolbox box;
  auto failed = box.call("query", {{"sql", "SELECT 1 / (g - 6000) FROM generate_series(1, 10000) g"}, {"max_rows", 10000}});
  CHECK(failed.is_error);
  CHECK(failed.text.find("ERROR 22012: division by zero") == 0);
  CHECK(failed.audit_facts["sqlstate"] == "22012");
  CHECK(box.data("query", {{"sql", "SELECT 7"}})["rows"] == json::parse("[[7]]"));
}

TEST_CASE("reading an unreadable schema is a permission error naming the readable schemas, with no rows") {
  Toolbox box;
  auto result = box.call("query", {{"sql", "SELECT * FROM infrastructure.service_credentials"}});
  CHECK(result.is_error);
  CHECK(result.text.find("42501") != std::string::npos);
  CHECK(result.text.find("Readable schemas") != std::string::npos);
  CHECK(result.text.find("demo-secret-") == std::string::npos);
}

TEST_CASE("EXPLAIN runs outside the wrapper and returns the plan") {
  Toolbox box;
  json result = box.data("query", {{"sql", "EXPLAIN SELECT * FROM tracksolid.devices"}});
  CHECK(result["row_count"].get<int>() >= 1);
  CHECK(result["columns"][0]["name"] == "QUERY PLAN");
}

TEST_CASE("sample_table returns n rows through the same pipeline") {
  Toolbox box;
  json result = box.data("sample_table", {{"schema", "tracksolid"}, {"table", "devices"}, {"n", 3}});
  CHECK(result["row_count"] == 3);
  CHECK_FALSE(result["columns"].empty());
}

TEST_CASE("the session is reset between calls: advisory locks do not survive") {
  Toolbox box;
  CHECK(box.call("query", {{"sql", "SELECT pg_advisory_lock(4242)"}}).is_error);  // refused before it runs
  json held = box.data("query", {{"sql", "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"}});
  CHECK(held["rows"][0][0] == 0);
}

TEST_CASE("a missing database gives a clear tool error, not a crash") {
  fleetmcp::Config config;
  config.database_url = "postgresql://analytics_ro@127.0.0.1:1/tracksolid_db";  // nothing listens on port 1
  fleetmcp::db::Session session{config.database_url, {}};
  fleetmcp::tools::ToolEnvironment environment{config, session};
  auto registry = fleetmcp::tools::make_toolbox(environment);
  fleetmcp::tools::CallContext context;
  auto result = registry.find("list_schemas")->handler(json::object(), context);
  CHECK(result.is_error);
  CHECK(result.text.find("cannot connect to the database") != std::string::npos);
}

TEST_CASE("a cancel between two statements of a call stops the rest of it; the next call runs") {
  // A call runs several statements (role check, schema check, the query); a
  // cancel that lands between them has nothing to interrupt on the server.
  Toolbox box;
  box.session->start_call();
  box.data("query", {{"sql", "SELECT 1"}});
  box.session->cancel_running_query();
  auto cancelled = box.call("query", {{"sql", "SELECT pg_sleep(30)"}});
  CHECK(cancelled.is_error);
  CHECK(cancelled.text.find("cancelled") != std::string::npos);

  box.session->start_call();
  CHECK(box.data("query", {{"sql", "SELECT 2 AS two"}})["rows"] == json::parse("[[2]]"));
}
