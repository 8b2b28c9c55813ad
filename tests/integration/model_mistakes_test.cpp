// Mistakes a model makes when it calls the tools, each answered with what was
// wrong and the next step, never with a reconnect or an internal error.
#include <chrono>

#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;

namespace {

bool mentions(const fleetmcp::tools::ToolResult& result, const std::string& text) {
  return result.text.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("a missing or extra bind parameter is the caller's mistake, for query and explain") {
  Toolbox box;
  for (const char* tool : {"query", "explain"}) {
    INFO(tool);
    auto missing = box.call(tool, {{"sql", "SELECT $1::int + 1"}, {"params", json::array()}});
    CHECK(missing.is_error);
    CHECK(missing.text ==
          "the statement uses $1 (1 parameter) but params has 0 values: give exactly one value per placeholder, in "
          "order ($1 is params[0]).");
    auto extra = box.call(tool, {{"sql", "SELECT $1::int + 1"}, {"params", {1, 2}}});
    CHECK(extra.is_error);
    CHECK(mentions(extra, "uses $1 (1 parameter) but params has 2 values"));
  }
  CHECK(box.data("query", {{"sql", "SELECT $1::int + 1"}, {"params", {41}}})["rows"] == json::parse("[[42]]"));
  CHECK(box.data("explain", {{"sql", "SELECT $1::int + 1"}, {"params", {41}}})["plan"]["Node Type"] == "Result");
}

TEST_CASE("the server's own 08P01 is rethrown at once and the session stays usable") {
  Toolbox box;
  int attempts = 0;
  CHECK_THROWS_AS(box.session->read_only(5,
                                         [&](pqxx::nontransaction& tx) {
                                           ++attempts;
                                           return tx.exec("SELECT $1::int", pqxx::params{}).size();
                                         }),
                  pqxx::protocol_violation);
  CHECK(attempts == 1);
  CHECK(box.data("query", {{"sql", "SELECT 1"}})["rows"] == json::parse("[[1]]"));
}

TEST_CASE("a NUL byte in a value and more than 65,535 params are refused before sending") {
  Toolbox box;
  auto nul = box.call("query", {{"sql", "SELECT $1, $2, $3::text"}, {"params", {"a", "b", std::string("x\0y", 3)}}});
  CHECK(nul.is_error);
  CHECK(mentions(nul, "params[2] ($3) holds a NUL byte"));
  json many = json::array();
  for (int i = 0; i < 70000; ++i) many.push_back(i);
  auto too_many = box.call("query", {{"sql", "SELECT 1"}, {"params", many}});
  CHECK(too_many.is_error);
  CHECK(mentions(too_many, "params has 70000 values; PostgreSQL takes at most 65535 bind parameters"));
}

TEST_CASE("an invented argument is refused by every tool, naming the accepted ones") {
  Toolbox box;
  auto query = box.call("query", {{"sql", "SELECT 1"}, {"limit", 5}});
  CHECK(query.is_error);
  CHECK(query.text ==
        "unknown argument 'limit'; did you mean max_rows? query accepts: sql (required), allow_expensive, "
        "max_rows, params, timeout_s.");
  auto sample = box.call("sample_table", {{"schema", "tracksolid"}, {"table", "devices"}, {"limit", 5}});
  CHECK(mentions(sample, "unknown argument 'limit'; did you mean n?"));
  auto schemas = box.call("list_schemas", {{"schema", "reporting"}});
  CHECK(mentions(schemas, "list_schemas takes no arguments"));
  auto explain = box.call("explain", {{"query", "SELECT 1"}});
  CHECK(mentions(explain, "unknown argument 'query'; did you mean sql?"));
}

TEST_CASE("a relation in the wrong or a misspelt schema names the readable one meant") {
  Toolbox box;
  auto wrong_schema = box.call("query", {{"sql", "SELECT * FROM reporting.devices"}});
  CHECK(wrong_schema.is_error);
  CHECK(mentions(wrong_schema, "ERROR 42P01"));
  CHECK(mentions(wrong_schema, "Did you mean tracksolid.devices?"));
  auto explained = box.call("explain", {{"sql", "SELECT * FROM reporting.devices"}});
  CHECK(mentions(explained, "Did you mean tracksolid.devices?"));
  auto unqualified = box.call("query", {{"sql", "SELECT * FROM postions"}});
  CHECK(mentions(unqualified, "Did you mean tracksolid.positions?"));
  // PostgreSQL 15 files a relation in a missing schema under 42P01, a function under 3F000.
  auto misspelt_schema = box.call("query", {{"sql", "SELECT * FROM ticket.inc"}});
  CHECK(mentions(misspelt_schema, "ERROR 42P01"));
  CHECK(mentions(misspelt_schema, "Did you mean tickets.inc?"));
  auto misspelt_function_schema = box.call("query", {{"sql", "SELECT * FROM reportng.fn_nothing_like_it()"}});
  CHECK(mentions(misspelt_function_schema, "ERROR 3F000"));
  CHECK(mentions(misspelt_function_schema, "Did you mean schema reporting?"));
  // A relation outside the readable schemas is never offered.
  auto hidden = box.call("query", {{"sql", "SELECT * FROM service_credentials"}});
  CHECK(mentions(hidden, "ERROR 42P01"));
  CHECK_FALSE(mentions(hidden, "infrastructure"));
}

TEST_CASE("a statement ending early shows its last line with the caret after it") {
  Toolbox box;
  auto incomplete = box.call("query", {{"sql", "SELECT *\nFROM"}});
  CHECK(incomplete.text == "ERROR 42601: syntax error at end of input\nLINE 2: FROM\n            ^");
}

TEST_CASE("a superuser-only function is named as needing privileges the role lacks") {
  Toolbox box;
  for (const char* sql : {"SELECT pg_read_file('/etc/passwd')", "SELECT pg_ls_dir('.')"}) {
    auto denied = box.call("query", {{"sql", sql}});
    CHECK(denied.is_error);
    CHECK(mentions(denied, "needs privileges the analytics role does not have"));
    CHECK_FALSE(mentions(denied, "cannot read that object"));
  }
}

TEST_CASE("explain of a plan larger than the byte cap keeps its top and says what was left out") {
  fleetmcp::Config config;
  config.max_bytes = 8 * 1024;
  Toolbox box{config};
  std::string sql = "SELECT 1 AS x";
  for (int i = 0; i < 200; ++i) sql += " UNION ALL SELECT device_id FROM tracksolid.devices";
  auto explained = box.call("explain", {{"sql", sql}});
  INFO(explained.text.substr(0, 300));
  REQUIRE_FALSE(explained.is_error);
  CHECK(explained.text.size() <= config.max_bytes);
  json plan = json::parse(explained.text);
  CHECK(plan["plan_nodes_left_out"].get<int>() > 0);
  CHECK(plan["note"].get<std::string>().find("Explain a narrower query") != std::string::npos);
}

TEST_CASE("names longer than 63 bytes or holding a NUL are refused at once") {
  Toolbox box;
  const std::string huge(1024 * 1024, 'x');
  auto started = std::chrono::steady_clock::now();
  auto long_table = box.call("describe_table", {{"schema", "tracksolid"}, {"table", huge}});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(200));
  CHECK(long_table.is_error);
  CHECK(mentions(long_table, "argument 'table' is 1048576 bytes long; PostgreSQL names are at most 63 bytes"));
  CHECK(long_table.text.size() < 300);
  auto sample = box.call("sample_table", {{"schema", "tracksolid"}, {"table", std::string("dev\0ices", 8)}});
  CHECK(mentions(sample, "argument 'table' holds a NUL byte"));
  for (const char* tool : {"list_tables", "list_functions"}) {
    auto long_schema = box.call(tool, {{"schema", huge}});
    CHECK(mentions(long_schema, "argument 'schema' is 1048576 bytes long"));
  }
  started = std::chrono::steady_clock::now();
  auto long_sql = box.call("query", {{"sql", "SELECT * FROM tracksolid." + std::string(100000, 'y')}});
  CHECK(long_sql.is_error);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
}
