// Each read-only layer on its own: the subquery wrapper with the SQL guard off,
// the READ ONLY transaction with the guard and wrapper off (as the owning role,
// which may write), and the analytics_ro role in a read-write transaction.
// Then: session state a statement could leave behind does not reach the next call.
#include <chrono>
#include <functional>
#include <thread>

#include "admin_database.h"
#include "db/error_report.h"
#include "test_database.h"

using fleetmcp::testing::AdminDatabase;
using fleetmcp::testing::Toolbox;
using fleetmcp::testing::environment_or_empty;
using nlohmann::json;

namespace {

Toolbox guard_off_toolbox() {
  fleetmcp::Config config;
  config.guard_disabled_for_tests = true;
  return Toolbox{config};
}

// The SQLSTATE of the error `work` ends with ("" when it ends without one).
std::string sqlstate_of(const std::function<void()>& work) {
  try {
    work();
  } catch (const pqxx::sql_error& failure) {
    return fleetmcp::db::make_error_report(failure, false, {}).sqlstate;
  }
  return "";
}

struct Refusal {
  const char* sql;
  const char* expected;  // a substring of the error
};

}  // namespace

TEST_CASE("with the guard off, the wrapper refuses several statements and anything but a query") {
  Toolbox box = guard_off_toolbox();
  AdminDatabase admin;
  auto before = admin.fingerprint();
  // The statement runs as `SELECT * FROM (\n<sql>\n) AS fleetmcp_rows LIMIT n`
  // (db/wrapped_statement.h): only a query parses there.
  const Refusal refusals[] = {
      {"SELECT 1; DELETE FROM fuel.records", "syntax error at or near \";\""},
      {"SELECT 1; COMMIT; SET TRANSACTION READ WRITE; DELETE FROM fuel.records", "syntax error at or near \";\""},
      // Closing the wrapper's parenthesis does not help: the extended protocol takes one statement.
      {"SELECT 1) AS x; DELETE FROM fuel.records; SELECT * FROM (SELECT 1",
       "cannot insert multiple commands into a prepared statement"},
      {"DELETE FROM fuel.records", "syntax error"},
      {"UPDATE tracksolid.devices SET plate = 'X'", "syntax error"},
      {"INSERT INTO reporting.refresh_log (view_name, started_at) VALUES ('x', now())", "syntax error"},
      {"COMMIT", "syntax error"},
      {"SET TRANSACTION READ WRITE", "syntax error"},
      {"CREATE TEMP TABLE t (x int)", "syntax error"},
      {"PREPARE p AS SELECT 1", "syntax error"},
      {"LISTEN fleet_channel", "syntax error"},
      {"DO $$ BEGIN DELETE FROM fuel.records; END $$", "syntax error"},
      {"COPY fuel.records TO PROGRAM 'true'", "syntax error"},
      {"WITH gone AS (DELETE FROM fuel.records RETURNING 1) SELECT count(*) FROM gone",
       "WITH clause containing a data-modifying statement must be at the top level"},
      {"SELECT * INTO TEMP copied FROM fuel.records", "SELECT ... INTO is not allowed here"},
  };
  for (const Refusal& refusal : refusals) {
    CAPTURE(refusal.sql);
    auto result = box.call("query", {{"sql", refusal.sql}});
    INFO("text: " << result.text);
    CHECK(result.is_error);
    CHECK(result.text.find(refusal.expected) != std::string::npos);
  }
  CHECK(admin.fingerprint() == before);
  CHECK(box.data("query", {{"sql", "SELECT 1"}})["rows"] == json::parse("[[1]]"));
}

TEST_CASE("with the guard off, the read-only transaction refuses what the wrapper lets through") {
  Toolbox box = guard_off_toolbox();
  AdminDatabase admin;
  auto before = admin.fingerprint();
  // analytics_ro lacks these privileges too; 25006 shows the transaction said no first.
  for (const char* sql : {"SELECT reporting.refresh_v_trips()", "SELECT * FROM fuel.records FOR UPDATE"}) {
    CAPTURE(sql);
    auto result = box.call("query", {{"sql", sql}});
    INFO("text: " << result.text);
    CHECK(result.is_error);
    CHECK(result.audit_facts["sqlstate"] == "25006");
    CHECK(result.text.find("read-only") != std::string::npos);
  }
  CHECK(admin.fingerprint() == before);
}

TEST_CASE("the READ ONLY transaction alone refuses writes by a role that may write") {
  // The owning role may write everything; no guard and no wrapper stand in the way.
  std::string owner_url = environment_or_empty("TESTDB_OWNER_URL");
  REQUIRE_MESSAGE(!owner_url.empty(), "TESTDB_OWNER_URL is not set: run through scripts/test");
  fleetmcp::db::Session owner{owner_url, {5, 5, "fleetmcp-layers-test", ""}};
  AdminDatabase admin;
  auto before = admin.fingerprint();
  const char* writes[] = {
      "WITH gone AS (DELETE FROM fuel.records RETURNING 1) SELECT count(*) FROM gone",
      "SELECT nextval('fuel.records_record_id_seq')",
      "SELECT setval('tracksolid.events_event_id_seq', 1)",
      "SELECT reporting.refresh_v_trips()",
      "UPDATE tracksolid.devices SET plate = plate",
      "INSERT INTO reporting.refresh_log (view_name, started_at) VALUES ('x', now())",
      "SELECT * FROM fuel.records FOR UPDATE",
  };
  for (const char* sql : writes) {
    CAPTURE(sql);
    std::string state = sqlstate_of([&] { owner.read_only(5, [&](pqxx::nontransaction& tx) { tx.exec(sql); }); });
    CHECK(state == "25006");
  }
  // The snapshot Session::begin takes makes switching the mode too late (25001).
  CHECK(sqlstate_of([&] {
          owner.read_only(5, [](pqxx::nontransaction& tx) { tx.exec("SET TRANSACTION READ WRITE"); });
        }) == "25001");
  CHECK(admin.fingerprint() == before);
}

TEST_CASE("the analytics_ro role alone refuses writes in a read-write transaction") {
  pqxx::connection role{fleetmcp::testing::require_database_url()};
  AdminDatabase admin;
  auto before = admin.fingerprint();
  const char* writes[] = {
      "INSERT INTO reporting.refresh_log (view_name, started_at) VALUES ('x', now())",
      "DELETE FROM fuel.records",
      "UPDATE tracksolid.devices SET plate = plate",
      "SELECT nextval('fuel.records_record_id_seq')",
      "SELECT setval('tracksolid.events_event_id_seq', 1)",
      "SELECT * FROM fuel.records FOR UPDATE",
      "CREATE TABLE tracksolid.probe (x int)",
      "CREATE TABLE public.probe (x int)",
      "SELECT * FROM infrastructure.service_credentials",
      "SELECT pg_read_file('PG_VERSION')",
      "COPY fuel.records TO PROGRAM 'true'",
      "SELECT lo_import('/etc/passwd')",
  };
  for (const char* sql : writes) {
    CAPTURE(sql);
    std::string state = sqlstate_of([&] {
      pqxx::nontransaction tx{role};
      tx.exec("SET default_transaction_read_only = off");
      tx.exec("BEGIN READ WRITE");
      struct Rollback {
        pqxx::nontransaction& tx;
        ~Rollback() {
          try {
            tx.exec("ROLLBACK");
          } catch (...) {
          }
        }
      } rollback{tx};
      tx.exec(sql);
    });
    CHECK(state == "42501");
  }
  CHECK(admin.fingerprint() == before);
}

TEST_CASE("session state does not survive to the next call") {
  Toolbox box;
  Toolbox unguarded = guard_off_toolbox();
  auto value = [&](const char* sql) { return box.data("query", {{"sql", sql}})["rows"][0][0]; };
  const json search_path = value("SELECT current_setting('search_path')");

  SUBCASE("set_config(…, false) is undone by the rollback") {
    box.data("query", {{"sql", "SELECT set_config('search_path', 'infrastructure, pg_temp', false), "
                               "set_config('default_transaction_read_only', 'off', false), "
                               "set_config('statement_timeout', '0', false)"}});
    CHECK(value("SELECT current_setting('search_path')") == search_path);
    CHECK(value("SELECT current_setting('default_transaction_read_only')") == "on");
    CHECK(value("SELECT current_setting('transaction_read_only')") == "on");
  }
  SUBCASE("advisory locks are released (without the side-effect guard, which refuses them)") {
    unguarded.data("query", {{"sql", "SELECT pg_advisory_lock(42), pg_try_advisory_lock(43)"}});
    CHECK(value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()") == 0);
  }
  SUBCASE("LISTEN, PREPARE and temp tables are refused by the guard and, without it, by the wrapper") {
    for (const char* sql : {"LISTEN fleet_channel", "PREPARE p AS SELECT 1", "CREATE TEMP TABLE t (x int)"}) {
      CAPTURE(sql);
      CHECK(box.call("query", {{"sql", sql}}).is_error);
      CHECK(unguarded.call("query", {{"sql", sql}}).is_error);
    }
    CHECK(value("SELECT count(*) FROM pg_listening_channels()") == 0);
    CHECK(value("SELECT count(*) FROM pg_prepared_statements") == 0);
  }
  SUBCASE("without guard and wrapper, LISTEN and temp tables made in the transaction go with its rollback") {
    box.session->read_only(5, [](pqxx::nontransaction& tx) {
      tx.exec("LISTEN fleet_channel");
      tx.exec("SELECT set_config('application_name', 'hijacked', false)");
    });
    CHECK(sqlstate_of([&] {
            box.session->read_only(5, [](pqxx::nontransaction& tx) { tx.exec("CREATE TEMP TABLE scratch (x int)"); });
          }) == "25006");
    CHECK(value("SELECT count(*) FROM pg_listening_channels()") == 0);
    CHECK(value("SELECT to_regclass('pg_temp.scratch') IS NULL") == true);
    CHECK(value("SELECT current_setting('application_name')") != "hijacked");
  }
}

// What the rollback leaves behind, measured as the superuser around each call:
// WAL written and advisory locks held. Without the guard both are there; with
// it the call is refused by name before it runs, and both are nil.
TEST_CASE("calls with effects outside the transaction are refused before they run") {
  Toolbox box;
  Toolbox unguarded = guard_off_toolbox();
  AdminDatabase admin;
  pqxx::nontransaction watch{admin.connection()};
  auto wal_written_by = [&](Toolbox& toolbox, const char* sql) {
    auto before = watch.query_value<std::string>("SELECT pg_current_wal_insert_lsn()::text");
    toolbox.call("query", {{"sql", sql}});
    return watch.query_value<long>("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), " + watch.quote(before) + ")");
  };
  const char* message = "SELECT pg_logical_emit_message(false, 'fleet', repeat('x', 10000))";
  CHECK(wal_written_by(unguarded, message) >= 10000);
  fleetmcp::tools::ToolResult refused = box.call("query", {{"sql", message}});
  CHECK(refused.is_error);
  CHECK(refused.text.find("pg_logical_emit_message() is refused before it runs") != std::string::npos);
  CHECK(wal_written_by(box, message) == 0);

  // Held while the call runs: pg_sleep keeps the (unguarded) call open while we look.
  const char* lock = "SELECT pg_advisory_xact_lock(4343), pg_sleep(1)";
  auto locks_during = [&](Toolbox& toolbox) {
    std::thread call{[&] { toolbox.call("query", {{"sql", lock}}); }};
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    long held = watch.query_value<long>("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4343");
    call.join();
    return held;
  };
  CHECK(locks_during(unguarded) == 1);
  CHECK(locks_during(box) == 0);
}
