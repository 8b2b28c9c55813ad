// Calls hidden where the statement's text does not show them: in a view and in
// an inlinable SQL function, made in a readable schema by the superuser for
// this test. The plan pass (src/side_effects/plan_calls.h) finds them before
// anything runs; measured as the superuser: WAL written, with the guard and
// with it switched off.
#include <pqxx/pqxx>

#include "admin_database.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;

namespace {

// Made for the test case's duration, dropped even when a check fails.
struct HiddenCalls {
  AdminDatabase admin;
  HiddenCalls() {
    run("CREATE VIEW reporting.fm_test_locked AS SELECT pg_try_advisory_lock(4545) AS locked, 1 AS one");
    run("GRANT SELECT ON reporting.fm_test_locked TO analytics_ro");
    run("CREATE FUNCTION reporting.fm_test_note(n integer) RETURNS boolean LANGUAGE sql AS "
        "$$SELECT pg_logical_emit_message(false, 'fleet', repeat('x', n)) IS NOT NULL$$");
    run("CREATE VIEW reporting.fm_test_sessions AS SELECT pid, query FROM pg_stat_activity");
    run("GRANT SELECT ON reporting.fm_test_sessions TO analytics_ro");
  }
  ~HiddenCalls() {
    run("DROP VIEW IF EXISTS reporting.fm_test_locked, reporting.fm_test_sessions");
    run("DROP FUNCTION IF EXISTS reporting.fm_test_note(integer)");
  }
  void run(const std::string& statement) {
    pqxx::nontransaction tx{admin.connection()};
    tx.exec(statement);
  }
  long wal_written_by(Toolbox& toolbox, const std::string& sql) {
    pqxx::nontransaction tx{admin.connection()};
    auto before = tx.query_value<std::string>("SELECT pg_current_wal_insert_lsn()::text");
    toolbox.call("query", {{"sql", sql}});
    return tx.query_value<long>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), " + tx.quote(before) + ")");
  }
};

// The text of a tool error (fails the check when the call was not refused).
std::string refusal_text(Toolbox& box, const char* tool, const nlohmann::json& arguments) {
  fleetmcp::tools::ToolResult result = box.call(tool, arguments);
  INFO(tool << " answered: " << result.text);
  CHECK(result.is_error);
  return result.text;
}

Toolbox guard_off_toolbox() {
  fleetmcp::Config config;
  config.guard_disabled_for_tests = true;
  return Toolbox{config};
}

}  // namespace

TEST_CASE("side effects: a lock taken inside a view is refused before it runs, by query, sample_table and explain") {
  HiddenCalls hidden;
  // Without the guard the view takes the lock (the session releases it after the call).
  Toolbox unguarded = guard_off_toolbox();
  CHECK(unguarded.data("query", {{"sql", "SELECT locked FROM reporting.fm_test_locked"}})["rows"] == nlohmann::json{{true}});

  Toolbox box;
  std::string refused = refusal_text(box, "query", {{"sql", "SELECT one FROM reporting.fm_test_locked"}});
  CHECK(refused.starts_with("Query refused: pg_try_advisory_lock() is refused before it runs: it takes an advisory lock"));
  CHECK(refused.find("called inside a view or SQL function this statement uses") != std::string::npos);
  CHECK(refusal_text(box, "query", {{"sql", "SELECT one FROM reporting.fm_test_locked"}, {"allow_expensive", true}})
            .starts_with("Query refused: pg_try_advisory_lock()"));
  CHECK(refusal_text(box, "sample_table", {{"schema", "reporting"}, {"table", "fm_test_locked"}})
            .starts_with("Query refused: pg_try_advisory_lock() is refused"));
  CHECK(refusal_text(box, "explain", {{"sql", "SELECT * FROM reporting.fm_test_locked"}, {"analyze", true}})
            .starts_with("Explain refused: pg_try_advisory_lock() is refused"));
}

TEST_CASE("side effects: a WAL message inside an inlined SQL function is refused; no WAL is written") {
  HiddenCalls hidden;
  const std::string sql = "SELECT reporting.fm_test_note(10000)";
  Toolbox unguarded = guard_off_toolbox();
  CHECK(hidden.wal_written_by(unguarded, sql) >= 10000);
  Toolbox box;
  CHECK(refusal_text(box, "query", {{"sql", sql}})
            .starts_with("Query refused: pg_logical_emit_message() is refused before it runs: it writes a WAL message"));
  CHECK(hidden.wal_written_by(box, sql) == 0);
}

TEST_CASE("side effects: another session's SQL through a view over pg_stat_activity is refused") {
  HiddenCalls hidden;
  Toolbox box;
  CHECK(refusal_text(box, "query", {{"sql", "SELECT query FROM reporting.fm_test_sessions"}})
            .starts_with("Query refused: pg_stat_get_activity() is refused before it runs: it shows other sessions' "
                         "query text"));
  // An ordinary query still runs.
  CHECK(box.data("query", {{"sql", "SELECT count(*) AS n FROM reporting.v_trips"}})["row_count"] == 1);
}
