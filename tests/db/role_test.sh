#!/usr/bin/env bash
# Checks the analytics_ro role against a real server: what it can read, that it
# can write and create nothing, its session defaults, and the bootstrap script.
# Usage: tests/db/role_test.sh [TESTDB_DIR]   (uses $TESTDB_DIR/env if set;
# with neither, starts a throwaway database and stops it afterwards)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/../../scripts/lib/common.sh"

own_testdb=""
if [ -n "${1:-}" ]; then TESTDB_DIR="$1"; fi
if [ -z "${TESTDB_DIR:-}" ]; then
  own_testdb=$("$FLEETMCP_ROOT/scripts/testdb" start | tail -n 1) || die "could not start a test database"
  TESTDB_DIR="$own_testdb"
  trap '"$FLEETMCP_ROOT/scripts/testdb" stop "$own_testdb"' EXIT
fi
[ -f "$TESTDB_DIR/env" ] || die "no $TESTDB_DIR/env: start one with scripts/testdb start"
# shellcheck source=/dev/null
source "$TESTDB_DIR/env"

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; printf '    %s\n' "${2:-}"; }

# psql as a given URL; prints rows (unaligned) and errors together.
sql_as() { local url="$1"; shift; psql -X -q -At -v ON_ERROR_STOP=1 -d "$url" "$@" 2>&1; }
ro()    { sql_as "$DATABASE_URL" "$@"; }
owner() { sql_as "$TESTDB_OWNER_URL" "$@"; }
admin() { sql_as "$TESTDB_ADMIN_URL" "$@"; }

expect_output() {  # name expected output-and-status...
  local name="$1" expected="$2" actual="$3" status="$4"
  if [ "$status" -eq 0 ] && [ "$actual" = "$expected" ]; then pass "$name"
  else fail "$name" "expected '$expected' (exit 0), got '$actual' (exit $status)"; fi
}

expect_refused() {  # name pattern output-and-status...
  local name="$1" pattern="$2" actual="$3" status="$4"
  if [ "$status" -ne 0 ] && grep -q -- "$pattern" <<<"$actual"; then pass "$name"
  else fail "$name" "expected an error matching '$pattern', got '$actual' (exit $status)"; fi
}

# Write attempts switch the read-only default off first, so they test the
# privileges themselves rather than the session default.
writable_session="SET default_transaction_read_only = off"

echo "# reading the four schemas"
for relation in reporting.v_trips reporting.v_daily_summary reporting.v_monthly_cost_centre \
                reporting.refresh_log tracksolid.devices tracksolid.positions tracksolid.events \
                tickets.inc tickets.crq tickets.closure_events tickets.inc_daily_snapshot \
                tickets.geo_clusters tickets.geo_locations tickets.inc_open_sla \
                fuel.records fuel.ingest_state; do
  out=$(ro -c "SELECT count(*) > 0 FROM $relation"); status=$?
  expect_output "analytics_ro reads $relation" t "$out" "$status"
done
out=$(ro -c "SELECT count(*) > 0 FROM reporting.fn_trips_between('-infinity', 'infinity')"); status=$?
expect_output "analytics_ro executes reporting functions" t "$out" "$status"
out=$(ro -c "SELECT tickets.fn_cluster_of(36.8050, -1.2650)"); status=$?
expect_output "analytics_ro executes tickets functions (SRID 32737 data)" NRB-CBD-1 "$out" "$status"

echo "# what it must not read"
out=$(ro -c "SELECT * FROM infrastructure.service_credentials"); status=$?
expect_refused "infrastructure is refused" "permission denied" "$out" "$status"
out=$(ro -c "SELECT has_schema_privilege('infrastructure', 'USAGE')"); status=$?
expect_output "no USAGE on infrastructure" f "$out" "$status"

echo "# it creates nothing"
for schema in public reporting tracksolid tickets fuel infrastructure; do
  out=$(ro -c "$writable_session" -c "CREATE TABLE $schema.role_test_probe (id int)"); status=$?
  expect_refused "CREATE TABLE in $schema is refused" "permission denied" "$out" "$status"
done
out=$(ro -c "$writable_session" -c "CREATE SCHEMA role_test_probe"); status=$?
expect_refused "CREATE SCHEMA is refused" "permission denied" "$out" "$status"
out=$(ro -c "CREATE TEMP TABLE role_test_probe (id int)"); status=$?
expect_refused "CREATE TEMP TABLE is refused in its read-only default" "read-only transaction" "$out" "$status"
out=$(ro -c "SELECT count(*) FROM pg_namespace WHERE has_schema_privilege(oid, 'CREATE')"); status=$?
expect_output "CREATE on no schema at all" 0 "$out" "$status"

echo "# it writes nothing"
before=$(owner -c "SELECT count(*), md5(string_agg(p::text, '' ORDER BY device_id, ts)) FROM tracksolid.positions p")
for statement in \
    "INSERT INTO tracksolid.positions SELECT * FROM tracksolid.positions LIMIT 1" \
    "UPDATE tracksolid.positions SET speed = 0" \
    "DELETE FROM tracksolid.positions" \
    "TRUNCATE tracksolid.positions" \
    "SELECT nextval('fuel.records_record_id_seq')" \
    "REFRESH MATERIALIZED VIEW reporting.v_trips"; do
  out=$(ro -c "$writable_session" -c "$statement"); status=$?
  expect_refused "refused: ${statement%% *} (${statement:0:40}...)" "permission denied\|must be owner" "$out" "$status"
done
out=$(ro -c "UPDATE tracksolid.positions SET speed = 0"); status=$?
expect_refused "UPDATE refused by the read-only default too" "read-only transaction\|permission denied" "$out" "$status"
after=$(owner -c "SELECT count(*), md5(string_agg(p::text, '' ORDER BY device_id, ts)) FROM tracksolid.positions p")
if [ -n "$before" ] && [ "$before" = "$after" ]; then pass "positions unchanged after the write attempts"
else fail "positions unchanged after the write attempts" "before '$before', after '$after'"; fi

echo "# role attributes and session defaults"
out=$(admin -c "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
                FROM pg_roles WHERE rolname = 'analytics_ro'"); status=$?
expect_output "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS" "t|f|f|f|f|f" "$out" "$status"
out=$(ro -c "SHOW default_transaction_read_only"); status=$?
expect_output "default_transaction_read_only = on" on "$out" "$status"
out=$(ro -c "SHOW statement_timeout"); status=$?
expect_output "statement_timeout = 30s" 30s "$out" "$status"
out=$(ro -c "SHOW idle_in_transaction_session_timeout"); status=$?
expect_output "idle_in_transaction_session_timeout = 1min" 1min "$out" "$status"
out=$(ro -c "SHOW temp_file_limit"); status=$?
expect_output "temp_file_limit = 1GB" 1GB "$out" "$status"
out=$(ro -c "SET temp_file_limit = -1"); status=$?
expect_refused "the role cannot lift temp_file_limit" "permission denied" "$out" "$status"
# The sort that wrote 1.24 GB of temp files in 5 s with no limit.
out=$(ro -c "SELECT count(*) FROM (SELECT g FROM generate_series(1, 300000000) g ORDER BY g DESC OFFSET 0) s"); status=$?
expect_refused "a sort spilling past 1GB is stopped" "temporary file size exceeds temp_file_limit" "$out" "$status"

echo "# default privileges: objects created later are readable without re-running the role SQL"
probe="role_test_later_$$"
for creator in owner admin; do
  out=$($creator -c "CREATE TABLE reporting.${probe}_$creator (id int)" \
                 -c "INSERT INTO reporting.${probe}_$creator VALUES (42)"); status=$?
  if [ "$status" -ne 0 ]; then fail "create a probe table as $creator" "$out"; continue; fi
  out=$(ro -c "SELECT id FROM reporting.${probe}_$creator"); status=$?
  expect_output "table created later by $creator is readable" 42 "$out" "$status"
  $creator -c "DROP TABLE reporting.${probe}_$creator" >/dev/null
done
out=$(owner -c "CREATE FUNCTION reporting.${probe}_fn() RETURNS int LANGUAGE sql STABLE AS 'SELECT 7'" \
            -c "REVOKE EXECUTE ON FUNCTION reporting.${probe}_fn() FROM PUBLIC"); status=$?
if [ "$status" -eq 0 ]; then
  out=$(ro -c "SELECT reporting.${probe}_fn()"); status=$?
  expect_output "function created later by tracksolid_owner is executable" 7 "$out" "$status"
  owner -c "DROP FUNCTION reporting.${probe}_fn()" >/dev/null
else
  fail "create a probe function as owner" "$out"
fi

echo "# the role SQL and the bootstrap script"
password_file="$TESTDB_RO_PASSWORD_FILE"
before_password=$(cat "$password_file")
admin_dsn="host=$TESTDB_DIR port=$TESTDB_PORT user=postgres dbname=tracksolid_db"
chmod 644 "$password_file"
for run in 1 2; do
  out=$("$FLEETMCP_ROOT/scripts/bootstrap_analytics_ro.sh" --admin-dsn "$admin_dsn" \
          --password-file "$password_file" --dsn-host 127.0.0.1 2>/dev/null); status=$?
  expect_output "bootstrap run $run succeeds and masks the password" \
    "postgresql://analytics_ro:****@127.0.0.1:$TESTDB_PORT/tracksolid_db" "$out" "$status"
done
if [ "$(cat "$password_file")" = "$before_password" ]; then pass "bootstrap reused the password file"
else fail "bootstrap reused the password file" "the password changed"; fi
mode=$(stat -c %a "$password_file")
if [ "$mode" = 600 ]; then pass "password file is mode 0600"; else fail "password file is mode 0600" "mode $mode"; fi
out=$("$FLEETMCP_ROOT/scripts/bootstrap_analytics_ro.sh" --admin-dsn "$admin_dsn" \
        --password-file "$password_file" --dsn-host 127.0.0.1 --print-dsn 2>/dev/null); status=$?
expect_output "--print-dsn prints the working DATABASE_URL" "$DATABASE_URL" "$out" "$status"
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$admin_dsn" -v ro_password="$before_password" \
        -f "$FLEETMCP_ROOT/sql/analytics_ro_role.sql" 2>&1 \
      && psql -X -q -At -v ON_ERROR_STOP=1 -d "$admin_dsn" -v ro_password="$before_password" \
        -f "$FLEETMCP_ROOT/sql/analytics_ro_role.sql" 2>&1); status=$?
expect_output "role SQL applied twice in a row" \
  "analytics_ro: role and grants applied"$'\n'"analytics_ro: role and grants applied" "$out" "$status"
out=$(ro -c "SELECT count(*) > 0 FROM reporting.v_trips"); status=$?
expect_output "DATABASE_URL still works after re-applying" t "$out" "$status"
if [ "$(admin -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'Odd Schema'")" = 1 ]; then
  out=$(ro -c 'SELECT count(*) FROM "Odd Schema"."Mixed Case"'); status=$?
  expect_output "a read grant made outside the role SQL (fixture) survives re-applying it" 4 "$out" "$status"
fi
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "$admin_dsn" -f "$FLEETMCP_ROOT/sql/analytics_ro_role.sql" 2>&1); status=$?
expect_refused "role SQL without a password stops" "needs the password" "$out" "$status"

scratch_db="role_test_empty_$$"
admin -c "CREATE DATABASE $scratch_db" >/dev/null
out=$(psql -X -q -At -v ON_ERROR_STOP=1 -d "host=$TESTDB_DIR port=$TESTDB_PORT user=postgres dbname=$scratch_db" \
        -v ro_password="$before_password" -f "$FLEETMCP_ROOT/sql/analytics_ro_role.sql" 2>&1); status=$?
if [ "$status" -eq 0 ] && grep -q "schema reporting does not exist here; skipped" <<<"$out"; then
  pass "role SQL skips missing schemas with a NOTICE"
else
  fail "role SQL skips missing schemas with a NOTICE" "exit $status: $out"
fi
admin -c "DROP DATABASE $scratch_db" >/dev/null

out=$(admin -A -t -c "SELECT count(*) FROM pg_proc p, aclexplode(p.proacl) a WHERE p.prosecdef AND a.grantee = 'analytics_ro'::regrole"); status=$?
expect_output "the role SQL grants no SECURITY DEFINER function to analytics_ro (so re-running it cannot undo the hardening)" 0 "$out" "$status"

echo "# the opt-in hardening SQL (applied, checked and rolled back: it changes PUBLIC)"
hardened() {  # statements run in the hardening's transaction, before it is rolled back
  sed "s/^COMMIT;/$1/" "$FLEETMCP_ROOT/sql/analytics_ro_hardening.sql" | admin 2>&1 | grep -v '^psql:.*NOTICE'
}
out=$(hardened "SET ROLE analytics_ro; SELECT pg_notify('c', 'x');")
expect_refused "hardened: analytics_ro cannot notify" "permission denied for function pg_notify" "$out" 1
out=$(hardened "SET ROLE analytics_ro; SELECT count(*) FROM pg_stat_activity;")
expect_refused "hardened: analytics_ro cannot read pg_stat_activity" "permission denied for view pg_stat_activity" "$out" 1
out=$(hardened "SET ROLE tracksolid_owner; SELECT pg_try_advisory_xact_lock(1), count(*) > 0 FROM pg_stat_activity;" | tail -n 2 | head -n 1)
expect_output "hardened: the owning role keeps advisory locks and pg_stat_activity" "t|t" "$out" 0
out=$(hardened "SET ROLE analytics_ro; SELECT reporting.refresh_v_trips();")
expect_refused "hardened: analytics_ro cannot run the SECURITY DEFINER reporting.refresh_v_trips()" \
  "permission denied for function refresh_v_trips" "$out" 1
out=$(hardened "SET ROLE analytics_ro; SELECT count(*) FROM pg_stat_get_activity(NULL);")
expect_refused "hardened: analytics_ro cannot call pg_stat_get_activity" "permission denied for function pg_stat_get_activity" "$out" 1
out=$(hardened "SELECT has_function_privilege('postgres', 'reporting.refresh_v_trips()', 'EXECUTE'), has_function_privilege('tracksolid_owner', 'reporting.refresh_v_trips()', 'EXECUTE');" | tail -n 2 | head -n 1)
expect_output "hardened: the owner and the owning role keep reporting.refresh_v_trips()" "t|t" "$out" 0
out=$(ro -c "SELECT has_function_privilege('pg_notify(text,text)', 'EXECUTE')"); status=$?
expect_output "the hardening is opt-in: without it analytics_ro still may" t "$out" "$status"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
