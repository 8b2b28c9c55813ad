#include <doctest/doctest.h>

#include "db/error_report.h"

using namespace fleetmcp::db;

TEST_CASE("LINE numbers and caret point into the analyst's statement") {
  // What libpq formats for `SELECT nope FROM t` run inside the cursor prefix.
  std::string message =
      "ERROR:  column \"nope\" does not exist\n"
      "LINE 2: SELECT nope FROM t\n"
      "               ^\n"
      "HINT:  Perhaps you meant to reference the column \"t.note\".\n";
  ErrorReport report = make_error_report("42703", message, true, {"reporting, fuel", 30});
  CHECK(report.message == "column \"nope\" does not exist");
  CHECK(report.context == "LINE 1: SELECT nope FROM t\n               ^");
  CHECK(report.hint == "Perhaps you meant to reference the column \"t.note\".");
  std::string text = report.to_text();
  CHECK(text.find("ERROR 42703: column \"nope\" does not exist") == 0);
  CHECK(text.find("describe_table") != std::string::npos);
}

TEST_CASE("renumbering from LINE 10 to LINE 9 keeps the caret under the same character") {
  std::string message = "ERROR:  syntax error at or near \"FORM\"\nLINE 10: x FORM t\n           ^\n";
  ErrorReport report = make_error_report("42601", message, true, {"", 30});
  CHECK(report.context == "LINE 9: x FORM t\n          ^");
}

TEST_CASE("an error in the cursor's closing line is reported at the end of the statement") {
  // `SELECT * FROM` run as the cursor runs it: PostgreSQL stops at the wrapper's ')'.
  std::string message =
      "ERROR:  syntax error at or near \")\"\n"
      "LINE 3: ) AS fleetmcp_rows LIMIT 1001\n"
      "        ^\n";
  ErrorReport report = make_error_report("42601", message, true, {"", 30});
  CHECK(report.message == "syntax error at end of input");
  CHECK(report.context.empty());
  CHECK(report.to_text().find("fleetmcp_rows") == std::string::npos);

  report = make_error_report("XX000", "ERROR:  something odd\nLINE 2: ) AS fleetmcp_rows LIMIT 11\n  ^\n", true, {"", 30});
  CHECK(report.message == "something odd (at the end of the statement)");
  CHECK(report.context.empty());
}

TEST_CASE("unwrapped statements keep their LINE numbers") {
  std::string message = "ERROR:  syntax error\nLINE 2: oops\n        ^\n";
  CHECK(make_error_report("42601", message, false, {"", 30}).context == "LINE 2: oops\n        ^");
}

TEST_CASE("plain advice by SQLSTATE") {
  auto advice = [](const char* state, const char* message) {
    return make_error_report(state, std::string{"ERROR:  "} + message + "\n", false,
                             {"reporting, tracksolid, tickets, fuel", 30})
        .advice;
  };
  CHECK(advice("42501", "permission denied for schema infrastructure").find("reporting, tracksolid, tickets, fuel") !=
        std::string::npos);
  CHECK(advice("57014", "canceling statement due to statement timeout").find("LIMIT") != std::string::npos);
  CHECK(advice("25006", "cannot execute UPDATE in a read-only transaction").find("read-only") != std::string::npos);
  CHECK(advice("42P01", "relation \"x\" does not exist").find("list_tables") != std::string::npos);
}

TEST_CASE("DETAIL is kept") {
  ErrorReport report =
      make_error_report("23505", "ERROR:  duplicate key\nDETAIL:  Key (id)=(1) already exists.\n", false, {"", 30});
  CHECK(report.detail == "Key (id)=(1) already exists.");
  CHECK(report.to_text().find("DETAIL: Key (id)=(1)") != std::string::npos);
}

TEST_CASE("caret_context draws the line and a caret under the offset") {
  CHECK(caret_context("SELECT 1; COMMIT", 10) == "LINE 1: SELECT 1; COMMIT\n                  ^");
  CHECK(caret_context("SELECT 1\nFROM t FOR UPDATE", 16) == "LINE 2: FROM t FOR UPDATE\n               ^");
  // Offset 12 is the byte after ';' — character 11, since é takes two bytes.
  CHECK(caret_context("SELECT 'é'; x", 12) == "LINE 1: SELECT 'é'; x\n                   ^");
  CHECK(caret_context("", 5) == "LINE 1: \n        ^");
}

TEST_CASE("a TimescaleDB function the database lacks is answered with what it has, not with casts") {
  const std::string bucket = "ERROR:  function time_bucket(unknown, timestamp with time zone) does not exist\n";
  const ErrorAdviceInputs plain{"reporting", 30, "", false};
  const ErrorAdviceInputs apache{"reporting", 30, "2.19.3", false};
  const ErrorAdviceInputs timescale{"reporting", 30, "2.19.3", true};
  CHECK(make_error_report("42883", bucket, true, plain).advice.find("date_bin(interval '15 minutes'") !=
        std::string::npos);
  // With TimescaleDB installed the argument types are the problem: the cast advice stands.
  CHECK(make_error_report("42883", bucket, true, apache).advice.find("add casts") != std::string::npos);
  const std::string last = "ERROR:  function last(double precision, timestamp with time zone) does not exist\n";
  CHECK(make_error_report("42883", last, true, plain).advice.find("array_agg(value ORDER BY ts)") !=
        std::string::npos);
  const std::string gapfill = "ERROR:  function time_bucket_gapfill(unknown, timestamp with time zone) does not exist\n";
  CHECK(make_error_report("42883", gapfill, true, apache).advice.find("the Apache edition") != std::string::npos);
  CHECK(make_error_report("42883", gapfill, true, timescale).advice.find("add casts") != std::string::npos);
  const std::string refused = "ERROR:  function \"time_bucket_gapfill\" is not supported under the current \"apache\" "
                              "license\nHINT:  Upgrade your license to 'timescale' to use this free community feature.\n";
  CHECK(make_error_report("0A000", refused, true, apache).advice.find("generate_series(start, stop") !=
        std::string::npos);
  // Names that merely end like one are not mistaken for it.
  const std::string own = "ERROR:  function my_last(integer) does not exist\n";
  CHECK(make_error_report("42883", own, true, plain).advice.find("add casts") != std::string::npos);
}

TEST_CASE("a syntax error past the statement's end has a caret after its last line, as psql draws it") {
  std::string message =
      "ERROR:  syntax error at or near \")\"\n"
      "LINE 3: ) AS fleetmcp_rows LIMIT 1001\n"
      "        ^\n";
  ErrorReport report = make_error_report("42601", message, true, {"", 30}, "SELECT *\nFROM  \n");
  CHECK(report.message == "syntax error at end of input");
  CHECK(report.context == "LINE 2: FROM\n            ^");
  CHECK(report.to_text().find("fleetmcp_rows") == std::string::npos);
}

TEST_CASE("a superuser-only function is named, not called an unreadable object") {
  ErrorReport report = make_error_report("42501", "ERROR:  permission denied for function pg_read_file\n", false,
                                         {"reporting, fuel", 30});
  CHECK(report.advice.find("pg_read_file needs privileges the analytics role does not have") == 0);
  CHECK(report.advice.find("cannot read that object") == std::string::npos);
}

TEST_CASE("a bind parameter miscount reported by the server says what to give") {
  ErrorReport report = make_error_report(
      "08P01", "ERROR:  bind message supplies 0 parameters, but prepared statement \"\" requires 1\n", false,
      {"", 30});
  CHECK(report.to_text() ==
        "ERROR 08P01: bind message supplies 0 parameters, but prepared statement \"\" requires 1\n"
        "The number of params must match the statement's $n placeholders: give exactly one value per $1, $2 …, in "
        "order.");
}

TEST_CASE("a query a standby cancelled for recovery says so and names the operator's settings") {
  // What a PostgreSQL 15 standby sends when replay needs a lock the query holds.
  std::string message =
      "ERROR:  canceling statement due to conflict with recovery\n"
      "DETAIL:  User was holding a relation lock for too long.\n";
  ErrorReport report = make_error_report("40001", message, false, {"reporting", 30});
  CHECK(report.message == "canceling statement due to conflict with recovery");
  CHECK(report.detail == "User was holding a relation lock for too long.");
  CHECK(report.advice.find("read replica") != std::string::npos);
  CHECK(report.advice.find("hot_standby_feedback") != std::string::npos);
  CHECK(report.advice.find("max_standby_streaming_delay") != std::string::npos);
  CHECK(make_error_report("40P01", message, false, {"", 30}).advice.find("hot_standby_feedback") != std::string::npos);
  // A serialization failure on a primary is another matter.
  CHECK(make_error_report("40001", "ERROR:  could not serialize access due to concurrent update\n", false, {"", 30})
            .advice.empty());
}
