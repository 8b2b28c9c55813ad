// How the query tool runs a statement (db/query_runner.*, db/row_stream.*):
// one execution with no portal row limit, so PostgreSQL may run it in
// parallel workers; rows read one at a time; the byte cap stopping and
// cancelling the statement; an answer handed over in pieces as it is read,
// with an error after the first piece reported inside it.
#include <string>
#include <vector>

#include "admin_database.h"
#include "db/connection_options.h"
#include "db/query_runner.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

// DATABASE_URL with extra session settings in its options.
std::string with_options(const std::string& settings) {
  auto params = fleetmcp::db::parse_dsn(fleetmcp::testing::require_database_url());
  params["options"] += " " + settings;
  return fleetmcp::db::conninfo_string(params);
}

fleetmcp::db::QueryRequest request_for(const std::string& sql, std::size_t max_rows = 1000) {
  fleetmcp::db::QueryRequest request;
  request.statement = sql;
  request.max_rows = max_rows;
  return request;
}

fleetmcp::db::QueryResult run(Toolbox& box, const fleetmcp::db::QueryRequest& request) {
  return fleetmcp::db::run_query(*box.session, box.environment->types(), request);
}

}  // namespace

TEST_CASE("the statement runs in one execution that PostgreSQL may hand to parallel workers") {
  // With the parallel mode forced, PostgreSQL runs every parallel-safe plan
  // under a Gather, in a worker, unless the execution forbids it (a cursor,
  // or an Execute with a row limit, always does). An error raised in a worker
  // says so in its context. (debug_parallel_query is PostgreSQL 16's name.)
  AdminDatabase admin;
  pqxx::nontransaction watch{admin.connection()};
  const bool sixteen = watch.query_value<int>("SELECT current_setting('server_version_num')::int") >= 160000;
  const std::string forced = std::string{"-c "} + (sixteen ? "debug_parallel_query" : "force_parallel_mode") + "=on";
  Toolbox box{fleetmcp::Config{}, with_options(forced)};
  try {
    run(box, request_for("SELECT 1 / (g - 1) FROM generate_series(1, 3) g"));
    FAIL("division by zero expected");
  } catch (const pqxx::sql_error& failure) {
    CHECK(failure.sqlstate() == "22012");
    CHECK(std::string{failure.what()}.find("parallel worker") != std::string::npos);
  }
  // And a real parallel aggregate gives the same answer as the serial one.
  Toolbox serial;
  const std::string aggregate =
      "SELECT device_id, count(*) FROM tracksolid.positions GROUP BY device_id ORDER BY device_id";
  CHECK(box.data("query", {{"sql", aggregate}})["rows"] == serial.data("query", {{"sql", aggregate}})["rows"]);
}

TEST_CASE("the byte cap stops the statement and cancels the rest; the session serves the next call") {
  Toolbox box;
  // 1,001 rows of 60 kB would follow; the cap (1 MiB) is reached after 17.
  const json answer = box.data(
      "query", {{"sql", "SELECT g, repeat('x', 60000) AS body FROM generate_series(1, 100000) g"}});
  CHECK(answer["truncated"] == true);
  CHECK(answer["truncated_reason"] == "bytes");
  CHECK(answer["row_count"].get<int>() > 0);
  CHECK(answer["row_count"].get<int>() < 20);
  CHECK(answer["rows"].back()[0] == answer["row_count"]);
  CHECK(box.data("query", {{"sql", "SELECT 41 + 1"}})["rows"] == json::parse("[[42]]"));
}

TEST_CASE("the row cap reads one row more than max_rows and stops there") {
  Toolbox box;
  const json answer = box.data("query", {{"sql", "SELECT g FROM generate_series(1, 10) g"}, {"max_rows", 4}});
  CHECK(answer["rows"] == json::parse("[[1],[2],[3],[4]]"));
  CHECK(answer["truncated_reason"] == "rows");
  const json exact = box.data("query", {{"sql", "SELECT g FROM generate_series(1, 4) g"}, {"max_rows", 4}});
  CHECK(exact["truncated"] == false);
}

TEST_CASE("a statement with no rows still names its columns") {
  Toolbox box;
  const json answer = box.data("query", {{"sql", "SELECT 1 AS one, 'x'::text AS label WHERE false"}});
  CHECK(answer["columns"] == json::parse(R"([{"name":"one","type":"int4"},{"name":"label","type":"text"}])"));
  CHECK(answer["rows"] == json::array());
}

TEST_CASE("a large answer handed over in pieces is the same answer") {
  Toolbox box;
  const std::string sql = "SELECT g, md5(g::text) AS hash, g * 1.5 AS half FROM generate_series(1, 20000) g";
  auto request = request_for(sql, 20000);
  request.max_bytes = 8 << 20;
  std::vector<std::string> pieces;
  request.write_ahead = [&pieces](std::string_view text) {
    pieces.emplace_back(text);
    return true;
  };
  fleetmcp::db::QueryResult streamed = run(box, request);
  CHECK(pieces.size() > 2);
  std::string whole;
  for (const auto& piece : pieces) whole += piece;
  CHECK(streamed.handed_over == whole.size());
  whole += streamed.text;
  json from_pieces = json::parse(whole);
  auto whole_request = request_for(sql, 20000);
  whole_request.max_bytes = request.max_bytes;
  json in_one = json::parse(run(box, whole_request).text);
  from_pieces.erase("elapsed_ms");
  in_one.erase("elapsed_ms");
  CHECK(from_pieces == in_one);
  CHECK(from_pieces["row_count"] == 20000);
}

TEST_CASE("an error after the first piece went out is reported inside the answer, beside the rows before it") {
  Toolbox box;
  // Rows 1..899 are sent before row 900 fails. (Not `1 / 0`: the planner
  // folds that constant, and the statement fails before any row.)
  auto request = request_for(
      "SELECT g, repeat('y', 1000) AS pad, 1 / (g - 900) AS boom FROM generate_series(1, 1000) g");
  std::string handed;
  request.write_ahead = [&handed](std::string_view text) {
    handed += text;
    return true;
  };
  request.describe_error = [](const pqxx::sql_error& failure) { return "described: " + failure.sqlstate(); };
  fleetmcp::db::QueryResult result = run(box, request);
  REQUIRE(result.handed_over > 0);
  CHECK(result.failed);
  CHECK(result.error_sqlstate == "22012");
  const json answer = json::parse(handed + result.text);
  CHECK(answer["error"] == "described: 22012");
  CHECK(answer["truncated"] == true);
  CHECK(answer["truncated_reason"] == "error");
  CHECK(answer["row_count"] == 899);
  CHECK(answer["rows"].size() == 899);
  // Through the tool: the call is an error, its audit names it, and the session carries on.
  fleetmcp::tools::CallContext context;
  std::string tool_pieces;
  context.write_ahead = [&tool_pieces](std::string_view text) {
    tool_pieces += text;
    return true;
  };
  fleetmcp::tools::ToolResult failed = box.registry.find("query")->handler(
      {{"sql", "SELECT g, repeat('y', 1000), 1 / (g - 900) FROM generate_series(1, 1000) g"}},
      context);
  CHECK(failed.is_error);
  CHECK(failed.audit_facts["sqlstate"] == "22012");
  const json told = json::parse(tool_pieces + failed.text);
  CHECK(told["error"].get<std::string>().find("ERROR 22012: division by zero") == 0);
  CHECK(box.data("query", {{"sql", "SELECT 2"}})["rows"] == json::parse("[[2]]"));
}

TEST_CASE("when nobody reads the answer any more the statement stops") {
  Toolbox box;
  auto request = request_for("SELECT g, repeat('z', 1000) FROM generate_series(1, 1000000) g", 1000);
  int pieces = 0;
  request.write_ahead = [&pieces](std::string_view) {
    ++pieces;
    return false;
  };
  fleetmcp::db::QueryResult result = run(box, request);
  CHECK(pieces == 1);
  CHECK(result.row_count < 1000);
  CHECK(box.data("query", {{"sql", "SELECT 3"}})["rows"] == json::parse("[[3]]"));
}

TEST_CASE("a server notice after libpq's handle was taken over reaches libpqxx's handler safely") {
  // Session takes libpq's handle out of libpqxx and back (db/session.cpp);
  // a notice then goes to the connection object that owns it now.
  Toolbox box;
  box.data("query", {{"sql", "SELECT 1"}});
  box.session->read_only(5, [](pqxx::nontransaction& tx) {
    tx.exec("ROLLBACK");  // the session's own ROLLBACK then warns: no transaction in progress
  });
  CHECK(box.data("query", {{"sql", "SELECT 4"}})["rows"] == json::parse("[[4]]"));
}
