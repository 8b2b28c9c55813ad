// Tests for src/side_effects/side_effect_guard.cpp: every spelling of a call
// with effects outside the transaction is found, with its name and offset, and
// ordinary SQL (columns sharing a name, set_config, pg_sleep) is left alone.
#include <doctest/doctest.h>

#include <string>

#include "side_effects/side_effect_guard.h"

using fleetmcp::side_effects::find_side_effect;

namespace {

std::string reason_for(const std::string& sql) {
  auto found = find_side_effect(sql);
  return found ? found->reason : std::string{"(allowed)"};
}

}  // namespace

TEST_CASE("side effects: each spelling of a call resolves to the function's name") {
  for (const char* sql : {"SELECT pg_notify('c', 'x')", "SELECT PG_NOTIFY('c', 'x')", "SELECT \"pg_notify\"('c', 'x')",
                          "SELECT pg_catalog.pg_notify('c', 'x')", "SELECT \"pg_catalog\" . \"pg_notify\" ('c', 'x')",
                          "WITH n AS (SELECT pg_notify('c', 'x')) SELECT * FROM n",
                          "SELECT * FROM (SELECT pg_notify /* c */ ('c', 'x')) s"})
    CHECK_MESSAGE(reason_for(sql) == "pg_notify() is refused before it runs: it sends a notification", sql);
}

TEST_CASE("side effects: SQL smuggled in a string or a Unicode-escaped name is refused") {
  CHECK(reason_for("SELECT query_to_xml('SELECT pg_notify(''c'', ''x'')', true, false, '')")
            .starts_with("query_to_xml() is refused before it runs: it runs SQL given as text"));
  CHECK(reason_for("SELECT * FROM ts_stat('SELECT pg_advisory_lock(1)::text::tsvector')").starts_with("ts_stat() is refused"));
  CHECK(reason_for("SELECT U&\"\\0070g_notify\"('c', 'x')") ==
        "a function name in U&\"…\" form is refused before it runs: spell it plainly");
  CHECK_FALSE(find_side_effect("SELECT U&\"d\\0061ta\" FROM t").has_value());
}

TEST_CASE("side effects: the families of PostgreSQL 15 functions are refused") {
  for (const char* name : {"pg_logical_emit_message", "txid_current", "pg_current_xact_id", "pg_advisory_lock",
                           "pg_advisory_xact_lock_shared", "pg_try_advisory_lock", "pg_cancel_backend",
                           "pg_terminate_backend", "lo_create", "lo_from_bytea", "lo_unlink", "loread",
                           "pg_create_logical_replication_slot", "pg_drop_replication_slot",
                           "pg_replication_origin_create", "pg_backup_start", "pg_switch_wal",
                           "pg_create_restore_point", "pg_promote", "pg_wal_replay_pause", "dblink_exec"}) {
    auto found = find_side_effect(std::string{"SELECT "} + name + "(1)");
    REQUIRE_MESSAGE(found.has_value(), name);
    CHECK(found->reason.starts_with(std::string{name} + "() is refused"));
    CHECK(found->offset == 7);
  }
}

TEST_CASE("side effects: other sessions' query text is out of reach") {
  CHECK(reason_for("SELECT query FROM pg_catalog.pg_stat_activity") ==
        "pg_stat_activity is refused before it runs: it shows other sessions' query text");
  CHECK(reason_for("SELECT * FROM pg_stat_get_activity(NULL)").starts_with("pg_stat_get_activity() is refused"));
}

TEST_CASE("side effects: ordinary SQL passes") {
  for (const char* sql : {"SELECT set_config('a.b', 'c', true)", "SELECT pg_sleep(0.1)", "SELECT lo_id FROM t",
                          "SELECT 'pg_notify(1)'", "SELECT 1 -- pg_notify('c', 'x')", "SELECT \"PG_NOTIFY\"(1)",
                          "SELECT txid_current_if_assigned()", "SELECT now()"})
    CHECK_MESSAGE(!find_side_effect(sql).has_value(), sql);
}
