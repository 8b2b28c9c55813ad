#!/usr/bin/env bash
# The static binary and its .deb: built by scripts/build-static (cached), fully
# static, small, and working alone in a chroot with an empty environment — MCP
# sessions over TCP by address and by host name, TLS (require, verify-full).
# Uses the test database from scripts/test (DATABASE_URL, TESTDB_*), or starts
# its own. Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PG_BIN="${TESTDB_PG_BIN:-/usr/lib/postgresql/15/bin}"
CHROOT=/usr/sbin/chroot

passed=0
failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

scratch=$(mktemp -d)
own_db=""
cleanup() {
  [ -n "${tls_on:-}" ] && disable_tls
  [ -n "$own_db" ] && "$root/scripts/testdb" stop "$own_db" >/dev/null 2>&1
  rm -rf "$scratch"
}
trap cleanup EXIT

"$root/scripts/build-static" >"$scratch/build.log" 2>&1 || { cat "$scratch/build.log"; echo "0 passed, 1 failed"; exit 1; }
binary="$root/dist/fleetmcp"
deb=$(ls "$root"/dist/fleetmcp_*.deb)

if [ -z "${TESTDB_DIR:-}" ]; then
  own_db=$("$root/scripts/testdb" start | tail -n 1) || exit 1
  # shellcheck disable=SC1091
  source "$own_db/env"
fi

# --- the file itself
is_static() { file "$binary" | grep -q "statically linked"; }
ldd_refuses() { local said; said=$(ldd "$binary" 2>&1); [[ $said == *"not a dynamic executable"* ]]; }
is_stripped() { file "$binary" | grep -q ", stripped"; }
at_most_10_mb() { [ "$(stat -c %s "$binary")" -le $((10 * 1024 * 1024)) ]; }
check "file says statically linked" is_static
check "ldd says not a dynamic executable" ldd_refuses
check "stripped" is_stripped
check "at most 10 MB ($(stat -c %s "$binary") bytes)" at_most_10_mb

# --- alone in a chroot: the binary, and /etc/hosts as any machine has
jail="$scratch/jail"
mkdir -p "$jail/etc"
cp "$binary" "$jail/fleetmcp"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$jail/etc/hosts"
# The given variables and nothing else.
only_env() { env -i "$@"; }

version_alone() { [ "$(env -i "$CHROOT" "$jail" /fleetmcp --version)" = "fleetmcp $("$binary" version | cut -d' ' -f2)" ]; }
check "--version in an empty chroot with an empty environment" version_alone

# One MCP session (initialize, tools/list, tools/call query) from the jail;
# the first row of the answer must be $expected.
session_answers() {
  local url=$1 sql=$2 expected=$3 row
  row=$(only_env DATABASE_URL="$url" python3 "$here/mcp_session.py" "$sql" -- "$CHROOT" "$jail" /fleetmcp \
        2>"$scratch/session.err") || { cat "$scratch/session.err"; return 1; }
  grep -h "initialize answered" "$scratch/session.err"
  [ "$row" = "$expected" ] || { echo "got $row, want $expected"; return 1; }
}
by_name_url=${DATABASE_URL/127.0.0.1/localhost}
check "MCP session over TCP by address (127.0.0.1)" \
  session_answers "$DATABASE_URL" "select 1 as one, current_user" '[1, "analytics_ro"]'
check "MCP session over TCP by host name (localhost via /etc/hosts)" \
  session_answers "$by_name_url" "select 1 as one, current_user" '[1, "analytics_ro"]'

unknown_name_fails() {
  if only_env DATABASE_URL="${DATABASE_URL/127.0.0.1/no-such-host.invalid}" python3 "$here/mcp_session.py" \
       "select 1" -- "$CHROOT" "$jail" /fleetmcp >/dev/null 2>"$scratch/unknown.err"; then
    return 1
  fi
  grep -q "no-such-host.invalid" "$scratch/unknown.err"
}
check "an unknown host name is reported, not a crash" unknown_name_fails

# Runs "$@" with the jail's /etc/resolv.conf pointing at a loopback DNS server
# that knows one name (db.fleetmcp.test) and logs each question to dns.out.
with_loopback_dns() {
  local dns_pid status
  printf 'nameserver 127.0.0.2\n' >"$jail/etc/resolv.conf"
  python3 "$here/tiny_dns.py" 127.0.0.2 db.fleetmcp.test 127.0.0.1 >"$scratch/dns.out" 2>&1 &
  dns_pid=$!
  for _ in $(seq 1 50); do grep -q ready "$scratch/dns.out" && break; sleep 0.1; done
  "$@"
  status=$?
  kill "$dns_pid"
  wait "$dns_pid" 2>/dev/null
  rm -f "$jail/etc/resolv.conf"
  return "$status"
}

# A name only DNS knows: the binary must ask the nameserver in the jail's
# /etc/resolv.conf itself.
dns_name_resolves() { session_answers "${DATABASE_URL/127.0.0.1/db.fleetmcp.test}" "select 2 as two" '[2]'; }
check "MCP session by a host name from DNS (resolv.conf nameserver)" with_loopback_dns dns_name_resolves

# An address is used as it is: no question may leave the machine for it.
address_needs_no_dns() {
  session_answers "$DATABASE_URL" "select 3 as three" '[3]' || return 1
  if grep -q "^query" "$scratch/dns.out"; then echo "asked the nameserver: $(grep '^query' "$scratch/dns.out" | tr '\n' ' ')"; return 1; fi
}
check "a session by address (127.0.0.1) asks no nameserver" with_loopback_dns address_needs_no_dns

# --- TLS: the test server gets a certificate from a throwaway CA, turned on by
# a reload (plain connections keep working for the other suites).
admin_psql() { "$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$TESTDB_ADMIN_URL" "$@"; }
make_certificates() {
  local dir=$1
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fleetmcp test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null &&
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=another CA" \
    -keyout "$dir/other-ca.key" -out "$dir/other-ca.crt" 2>/dev/null &&
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null &&
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$dir/san.ext" &&
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" 2>/dev/null
}
enable_tls() {
  make_certificates "$scratch" || return 1
  local owner; owner=$(stat -c %U "$TESTDB_DIR")
  install -o "$owner" -m 600 "$scratch/server.key" "$TESTDB_DIR/tls-server.key"
  install -o "$owner" -m 644 "$scratch/server.crt" "$TESTDB_DIR/tls-server.crt"
  admin_psql -c "ALTER SYSTEM SET ssl_cert_file = '$TESTDB_DIR/tls-server.crt'" \
    -c "ALTER SYSTEM SET ssl_key_file = '$TESTDB_DIR/tls-server.key'" \
    -c "ALTER SYSTEM SET ssl = on" -c "SELECT pg_reload_conf()" >/dev/null || return 1
  tls_on=1
  # The reload is asynchronous: wait until the server offers TLS.
  local tries
  for tries in $(seq 1 50); do
    "$PG_BIN/psql" -X -A -t "$TESTDB_ADMIN_URL?sslmode=require" -c "select 1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "the server did not turn TLS on (tried $tries times)"
  return 1
}
disable_tls() {
  admin_psql -c "ALTER SYSTEM RESET ssl" -c "ALTER SYSTEM RESET ssl_cert_file" \
    -c "ALTER SYSTEM RESET ssl_key_file" -c "SELECT pg_reload_conf()" >/dev/null
  tls_on=""
}

# sslmode=require and verify-full refuse a connection without TLS, so an
# answer comes over TLS. (pg_stat_ssl is refused through the query tool: the
# view calls pg_stat_get_activity, which shows other sessions' SQL; doctor
# reads it directly and reports "TLS in use" below.)
tls_sql="select true as answered"
if check "the test server turns TLS on" enable_tls; then
  cp "$scratch/ca.crt" "$jail/ca.crt"
  cp "$scratch/other-ca.crt" "$jail/other-ca.crt"
  check "TLS with sslmode=require" session_answers "$DATABASE_URL?sslmode=require" "$tls_sql" '[true]'
  check "TLS with sslmode=verify-full against the CA, by host name" \
    session_answers "$by_name_url?sslmode=verify-full&sslrootcert=/ca.crt" "$tls_sql" '[true]'
  wrong_ca_refused() {
    ! session_answers "$by_name_url?sslmode=verify-full&sslrootcert=/other-ca.crt" "$tls_sql" '[true]' >/dev/null &&
      grep -q "certificate verify failed" "$scratch/session.err"
  }
  check "verify-full refuses a server certificate from another CA" wrong_ca_refused

  # fleetmcp doctor from the jail: its TLS check verifies the certificate
  # itself, so a wrong CA is named there, with its fix, not as a failed login.
  doctor_says() {
    only_env DATABASE_URL="$1" "$CHROOT" "$jail" /fleetmcp doctor >"$scratch/doctor.out" 2>&1
    grep -q "$2" "$scratch/doctor.out" || { cat "$scratch/doctor.out"; return 1; }
  }
  check "doctor: the session with sslmode=require is encrypted" \
    doctor_says "$DATABASE_URL?sslmode=require" "TLS in use (TLS"
  check "doctor: verify-full with the right CA passes the TLS check" \
    doctor_says "$by_name_url?sslmode=verify-full&sslrootcert=/ca.crt" "✔ TLS: .*certificate verified (CA /ca.crt)"
  doctor_wrong_ca() {
    doctor_says "$by_name_url?sslmode=verify-full&sslrootcert=/other-ca.crt" "✘ TLS: .*certificate verify failed" &&
      grep -q "fix: the server's certificate is not signed by the CA in /other-ca.crt" "$scratch/doctor.out" &&
      ! grep -q "✔ login\|✘ login" "$scratch/doctor.out"
  }
  check "doctor: verify-full with another CA fails the TLS check with its fix" doctor_wrong_ca
  doctor_wrong_name() {
    doctor_says "${DATABASE_URL}?sslmode=verify-full&sslrootcert=/ca.crt&host=db.example&hostaddr=127.0.0.1" \
      "✘ TLS: .*does not match host name" &&
      grep -q 'fix: the server.s certificate does not name "db.example"' "$scratch/doctor.out"
  }
  check "doctor: verify-full against a name the certificate lacks fails the TLS check" doctor_wrong_name
  disable_tls
fi

# --- the .deb: unpacked into a scratch root, its binary runs and its files are there
unpacked="$scratch/debroot"
deb_unpacks() { dpkg -x "$deb" "$unpacked"; }
check "dpkg -x unpacks $(basename "$deb")" deb_unpacks
deb_binary_runs() { [ "$(env -i "$unpacked/usr/bin/fleetmcp" --version)" = "$("$binary" --version)" ]; }
check "the packaged /usr/bin/fleetmcp runs" deb_binary_runs
deb_has() { [ -e "$unpacked/$1" ]; }
for path in usr/share/fleetmcp/sql/analytics_ro_role.sql usr/share/fleetmcp/scripts/bootstrap_analytics_ro.sh \
            usr/share/fleetmcp/scripts/lib/common.sh usr/share/doc/fleetmcp/README.md \
            lib/systemd/system/fleetmcp-gateway.service etc/fleetmcp/gateway.env; do
  check "the .deb holds /$path" deb_has "$path"
done
bootstrap_runs_from_package() { "$unpacked/usr/share/fleetmcp/scripts/bootstrap_analytics_ro.sh" --help | grep -q analytics_ro; }
check "the packaged bootstrap script runs" bootstrap_runs_from_package
env_file_private() { [ "$(dpkg -c "$deb" | awk '$6 == "./etc/fleetmcp/gateway.env" {print $1}')" = "-rw-------" ]; }
check "the packaged env file is readable by root only" env_file_private
conffile_declared() { dpkg-deb -e "$deb" "$scratch/control" && grep -qx /etc/fleetmcp/gateway.env "$scratch/control/conffiles"; }
check "the env file is a conffile" conffile_declared

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
