#!/usr/bin/env bash
# Makes the database hide the columns of a PII deny-list from analytics_ro
# (column-level GRANTs from sql/apply_pii_deny_list.sql). Run after
# scripts/bootstrap_analytics_ro.sh, which grants whole tables again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib/common.sh
source "$here/lib/common.sh"

usage() {
  cat <<'EOF_USAGE'
Usage: scripts/apply_pii_deny_list.sh --admin-dsn DSN [LIST]

LIST is a file of schema.table.column lines ('#' comments and blank lines
ignored; default sql/pii_deny_list.txt). DSN is a superuser connection to the
database, e.g. "host=/var/run/postgresql user=postgres dbname=tracksolid_db".
Each listed column stops being readable by analytics_ro; its other columns stay
readable, and list_tables/describe_table still show the table (describe_table
marks the column "hidden": true).
EOF_USAGE
}

admin_dsn="" list="$FLEETMCP_ROOT/sql/pii_deny_list.txt"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --admin-dsn) [ "$#" -ge 2 ] || die "--admin-dsn needs a value"; admin_dsn="$2"; shift 2 ;;
    -h|--help)   usage; exit 0 ;;
    -*)          die "unknown argument $1 (see --help)" ;;
    *)           list="$1"; shift ;;
  esac
done
[ -n "$admin_dsn" ] || die "--admin-dsn is required (see --help)"
[ -r "$list" ] || die "cannot read the deny-list $list"

entries=$(grep -v '^[[:space:]]*\(#\|$\)' "$list" | tr -d '[:blank:]' | paste -sd, -)
[ -n "$entries" ] || { log "$list lists no column; nothing to hide"; exit 0; }
psql -X -q -v ON_ERROR_STOP=1 -d "$admin_dsn" -v deny_list="$entries" -f "$FLEETMCP_ROOT/sql/apply_pii_deny_list.sql"
