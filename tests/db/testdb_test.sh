#!/usr/bin/env bash
# Checks scripts/testdb itself: start writes a usable env file, restart keeps
# the port, stop removes only what start made.
# Usage: tests/db/testdb_test.sh   (starts and stops its own databases)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/../../scripts/lib/common.sh"
testdb="$FLEETMCP_ROOT/scripts/testdb"

passed=0
failed=0
check() {  # name command...
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "not ok - $name"; fi
}
fails() { ! "$@"; }
quietly() { "$@" >/dev/null 2>&1; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/fleetmcp-testdb-test.XXXXXX")
# Run as root, the server runs as the postgres OS user, which must reach DIR.
chmod 711 "$scratch"
dir="$scratch/db"
cleanup() {
  [ -f "$dir/.fleetmcp-testdb" ] && "$testdb" stop "$dir" >/dev/null 2>&1
  rm -rf "$scratch"
}
trap cleanup EXIT

stdout=$("$testdb" start --dir "$dir" --fixtures 2>"$scratch/start.log"); status=$?
check "start exits 0" [ "$status" -eq 0 ]
check "start prints DIR as its last stdout line" [ "$(tail -n 1 <<<"$stdout")" = "$dir" ]
check "env file is mode 0600" [ "$(stat -c %a "$dir/env" 2>/dev/null)" = 600 ]

env_names=$(sed -n 's/^export \([A-Z_]*\)=.*/\1/p' "$dir/env" | sort | tr '\n' ' ')
check "env exports exactly the documented names" \
  [ "$env_names" = "DATABASE_URL TESTDB_ADMIN_URL TESTDB_DIR TESTDB_OWNER_URL TESTDB_PORT TESTDB_RO_PASSWORD_FILE " ]

# shellcheck source=/dev/null
source "$dir/env"
check "TESTDB_DIR is the directory" [ "$TESTDB_DIR" = "$dir" ]
check "DATABASE_URL is analytics_ro over TCP with a password" \
  grep -Eq "^postgresql://analytics_ro:[A-Za-z0-9]{32}@127\.0\.0\.1:$TESTDB_PORT/tracksolid_db$" <<<"$DATABASE_URL"
whoami_as() { psql -X -q -At -d "$1" -c "SELECT current_user || ',' || rolsuper FROM pg_roles WHERE rolname = current_user" 2>&1; }
check "DATABASE_URL connects as analytics_ro" [ "$(whoami_as "$DATABASE_URL")" = "analytics_ro,false" ]
check "TESTDB_OWNER_URL connects as tracksolid_owner" [ "$(whoami_as "$TESTDB_OWNER_URL")" = "tracksolid_owner,false" ]
check "TESTDB_ADMIN_URL connects as the superuser" [ "$(whoami_as "$TESTDB_ADMIN_URL")" = "postgres,true" ]
check "a wrong password is refused over TCP" \
  fails psql -X -q -At -d "postgresql://analytics_ro:wrong@127.0.0.1:$TESTDB_PORT/tracksolid_db" -c "SELECT 1" 2>/dev/null
check "--fixtures loaded Odd Schema" \
  [ "$(psql -X -q -At -d "$DATABASE_URL" -c 'SELECT count(*) FROM "Odd Schema"."Mixed Case"')" = 4 ]
check "the demo is owned by tracksolid_owner and postgres" \
  [ "$(psql -X -q -At -d "$TESTDB_ADMIN_URL" -c "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',')
        FROM pg_class WHERE relnamespace::regnamespace::text IN ('tracksolid', 'reporting')
        AND relkind IN ('r', 'm', 'v')")" = "postgres,tracksolid_owner" ]

check "TimescaleDB is preloaded and the demo has its three hypertables" \
  [ "$(psql -X -q -At -d "$DATABASE_URL" -c "SELECT string_agg(hypertable_schema || '.' || hypertable_name, ','
        ORDER BY hypertable_schema, hypertable_name) FROM timescaledb_information.hypertables")" = "fuel.records,tracksolid.events,tracksolid.positions" ]
check "events keeps its chunks in tracksolid" \
  [ "$(psql -X -q -At -d "$DATABASE_URL" -c "SELECT DISTINCT chunk_schema FROM timescaledb_information.chunks
        WHERE hypertable_name = 'events'")" = tracksolid ]

check "replication connections are open to the postgres superuser only" \
  [ "$(awk '$1 !~ /^#/ && $2 == "replication" && $3 != "postgres"' "$dir/data/pg_hba.conf")" = "" ]
standby="$scratch/standby"
check "standby makes a streaming replica of DIR" quietly "$testdb" standby "$dir" --dir "$standby"
standby_url=$(sed -n "s/^export DATABASE_URL='\(.*\)'$/\1/p" "$standby/env" 2>/dev/null)
check "the standby's DATABASE_URL names the standby first, then the primary, with prefer-standby" \
  grep -Eq "^postgresql://analytics_ro:[A-Za-z0-9]{32}@127\.0\.0\.1:[0-9]+,127\.0\.0\.1:$TESTDB_PORT/tracksolid_db\?target_session_attrs=prefer-standby$" <<<"$standby_url"
check "and reaches the standby as analytics_ro" \
  [ "$(psql -X -q -At -d "$standby_url" -c "SELECT current_user || ',' || pg_is_in_recovery()")" = "analytics_ro,true" ]
check "standby refuses an unsafe --setting" fails quietly "$testdb" standby "$dir" --dir "$scratch/standby2" --setting "x=1'; y"
check "stop removes the standby" quietly "$testdb" stop "$standby"

check "start again on a running DIR is a no-op that prints DIR" \
  [ "$("$testdb" start --dir "$dir" 2>/dev/null | tail -n 1)" = "$dir" ]
check "restart succeeds" "$testdb" restart "$dir"
check "after restart the same DATABASE_URL works" \
  [ "$(psql -X -q -At -d "$DATABASE_URL" -c "SELECT 1")" = 1 ]
check "status says running" quietly "$testdb" status "$dir"

check "stop --keep stops but keeps DIR" "$testdb" stop "$dir" --keep
check "status then fails" fails quietly "$testdb" status "$dir"
check "DIR is still there" [ -f "$dir/env" ]
check "start on a stopped DIR brings it back" \
  [ "$("$testdb" start --dir "$dir" 2>/dev/null | tail -n 1)" = "$dir" ]
# shellcheck source=/dev/null
source "$dir/env"
check "and DATABASE_URL works again" [ "$(psql -X -q -At -d "$DATABASE_URL" -c "SELECT 1")" = 1 ]
check "stop removes DIR" "$testdb" stop "$dir"
check "DIR is gone" [ ! -e "$dir" ]

mkdir -p "$scratch/not_ours" && touch "$scratch/not_ours/precious"
check "start refuses a non-empty foreign DIR" fails "$testdb" start --dir "$scratch/not_ours" 2>/dev/null
check "stop refuses a foreign DIR" fails "$testdb" stop "$scratch/not_ours" 2>/dev/null
check "and leaves it alone" [ -f "$scratch/not_ours/precious" ]
check "start rejects a bad --scale" fails "$testdb" start --scale -1 2>/dev/null

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
