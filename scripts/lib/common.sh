# Shared by the scripts in scripts/: paths and small helpers. Source it.
FLEETMCP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Built dependencies live outside the checkout so fresh clones reuse them.
FLEETMCP_DEPS="${FLEETMCP_DEPS:-${XDG_CACHE_HOME:-$HOME/.cache}/fleetmcp/deps}"
FLEETMCP_BUILD="${FLEETMCP_BUILD:-$FLEETMCP_ROOT/build}"
export FLEETMCP_ROOT FLEETMCP_DEPS FLEETMCP_BUILD

log() { printf '\033[1m[fleetmcp]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
