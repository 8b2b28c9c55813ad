#!/usr/bin/env bash
# Creates or updates the read-only role analytics_ro (sql/analytics_ro_role.sql)
# with a generated password kept in a 0600 file, and prints its DATABASE_URL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

usage() {
  cat <<'EOF'
Usage: scripts/bootstrap_analytics_ro.sh [options]

Creates (or brings up to date) the PostgreSQL role analytics_ro that fleetmcp
connects as, by applying sql/analytics_ro_role.sql as a superuser. On the first
run a random password is generated into a file readable only by you; later runs
reuse it. Safe to run again at any time.

Where to apply it (one of):
  (default)               local psql; the admin connection comes from the usual
                          PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, ...),
                          database PGDATABASE or tracksolid_db
  --admin-dsn DSN         local psql with this admin connection string or URL,
                          e.g. "host=/var/run/postgresql user=postgres dbname=tracksolid_db"
  --container NAME        psql inside a running Docker container:
                          docker exec -i NAME psql -U <admin-user> -d <db>

Options:
  --password-file FILE    where the password lives (default:
                          $ANALYTICS_RO_PASSWORD_FILE, else
                          ~/.config/fleetmcp/analytics_ro.password)
  --db NAME               database for the PG* and --container modes (default tracksolid_db)
  --admin-user USER       superuser inside the container (default postgres)
  --dsn-host HOST         host to put in the printed DATABASE_URL (default: the
                          server's host as psql saw it, localhost for a socket,
                          the container name with --container)
  --dsn-port PORT         port to put in the printed DATABASE_URL (default: the
                          server's port)
  --print-dsn             print the DATABASE_URL with the real password
                          (default: masked as ****)
  -h, --help              this text

Prints the DATABASE_URL on stdout (nothing else); progress goes to stderr.
The password never appears on a command line: it reaches psql on stdin.
EOF
}

password_file="${ANALYTICS_RO_PASSWORD_FILE:-$HOME/.config/fleetmcp/analytics_ro.password}"
admin_dsn=""
container=""
db="tracksolid_db"
admin_user="postgres"
dsn_host=""
dsn_port=""
print_dsn=false

need_value() {
  if [ "$#" -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value (see --help)"; fi
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --password-file) need_value "$@"; password_file="$2"; shift 2 ;;
    --admin-dsn)     need_value "$@"; admin_dsn="$2"; shift 2 ;;
    --container)     need_value "$@"; container="$2"; shift 2 ;;
    --db)            need_value "$@"; db="$2"; shift 2 ;;
    --admin-user)    need_value "$@"; admin_user="$2"; shift 2 ;;
    --dsn-host)      need_value "$@"; dsn_host="$2"; shift 2 ;;
    --dsn-port)      need_value "$@"; dsn_port="$2"; shift 2 ;;
    --print-dsn)     print_dsn=true; shift ;;
    -h|--help)       usage; exit 0 ;;
    *)               die "unknown argument: $1 (see --help)" ;;
  esac
done
[ -n "$admin_dsn" ] && [ -n "$container" ] && die "--admin-dsn and --container exclude each other"

role_sql="$FLEETMCP_ROOT/sql/analytics_ro_role.sql"
[ -r "$role_sql" ] || die "cannot read $role_sql"

# URL-safe characters only, so the password needs no quoting in psql or in a URL.
valid_password() { [[ "$1" =~ ^[A-Za-z0-9._~-]{16,}$ ]]; }

generate_password() {
  local raw
  raw=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  [ "${#raw}" -ge 32 ] || die "could not read enough randomness from /dev/urandom"
  printf '%s' "${raw:0:32}"
}

# Prints the password, creating the file on first use and tightening its mode.
ensure_password() {
  local file="$1" password
  if [ -e "$file" ]; then
    [ -f "$file" ] || die "$file exists but is not a regular file"
    IFS= read -r password <"$file" || [ -n "${password:-}" ] || die "$file is empty"
    valid_password "$password" \
      || die "the password in $file must be 16+ characters from A-Z a-z 0-9 . _ ~ -"
    if [ "$(stat -c %a "$file")" != 600 ]; then
      log "tightening $file to mode 0600"
      chmod 600 "$file"
    fi
    log "reusing the analytics_ro password in $file"
  else
    local dir tmp
    dir=$(dirname "$file")
    (umask 077 && mkdir -p "$dir")
    password=$(generate_password)
    tmp=$(mktemp "$dir/.analytics_ro.password.XXXXXX")
    (umask 077 && printf '%s\n' "$password" >"$tmp")
    chmod 600 "$tmp"
    mv "$tmp" "$file"
    log "generated a new analytics_ro password in $file (mode 0600)"
  fi
  printf '%s' "$password"
}

# The role SQL preceded by the password; a closing line reports where psql was
# connected, for the printed URL.
role_script() {
  printf "\\\\set ro_password '%s'\n" "$1"
  cat "$role_sql"
  printf '%s\n' "\\echo fleetmcp-connected-to :HOST :PORT :DBNAME"
}

run_psql() {
  if [ -n "$container" ]; then
    command -v docker >/dev/null 2>&1 || die "docker is not installed"
    docker exec -i "$container" psql -X -q -v ON_ERROR_STOP=1 -U "$admin_user" -d "$db" -f -
  elif [ -n "$admin_dsn" ]; then
    command -v psql >/dev/null 2>&1 || die "psql is not installed (apt-get install postgresql-client)"
    psql -X -q -v ON_ERROR_STOP=1 -d "$admin_dsn" -f -
  else
    command -v psql >/dev/null 2>&1 || die "psql is not installed (apt-get install postgresql-client)"
    psql -X -q -v ON_ERROR_STOP=1 -d "${PGDATABASE:-$db}" -f -
  fi
}

password=$(ensure_password "$password_file")
output=$(role_script "$password" | run_psql) || die "applying $role_sql failed (see the psql error above)"

connected_host="" connected_port="" connected_db=""
while IFS= read -r line; do
  case "$line" in
    "fleetmcp-connected-to "*) read -r _ connected_host connected_port connected_db <<<"$line" ;;
    *) log "$line" ;;
  esac
done <<<"$output"
[ -n "$connected_db" ] || die "psql did not report its connection; was the role SQL applied?"

if [ -z "$dsn_host" ]; then
  if [ -n "$container" ]; then dsn_host="$container"
  elif [[ "$connected_host" == /* ]]; then dsn_host=localhost
  else dsn_host="$connected_host"
  fi
fi
[[ "$dsn_host" == *:* && "$dsn_host" != \[* ]] && dsn_host="[$dsn_host]"
dsn_port="${dsn_port:-$connected_port}"

shown_password='****'
$print_dsn && shown_password="$password"
printf 'postgresql://analytics_ro:%s@%s:%s/%s\n' "$shown_password" "$dsn_host" "$dsn_port" "$connected_db"
