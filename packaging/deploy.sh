#!/usr/bin/env bash
# The manual host deploy of the fleetmcp gateway, next to the running database
# stack: build the image, point it at the database container as analytics_ro,
# and replace the Traefik-labelled container — rolling back if the new one
# does not become healthy.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: packaging/deploy.sh [options]

Builds the image from packaging/Dockerfile, finds the database container's
network and database from the running stack, and (re)starts the gateway
container behind Traefik as https://HOST/mcp. The old container is kept until
the new one reports healthy, and restored if it does not.

Options:
  --db-container NAME   the PostgreSQL container (default timescale_db)
  --name NAME           the gateway container (default fleetmcp)
  --host HOST           public host name for Traefik (default fleetmcp.fivetitude.com)
  --password-file FILE  analytics_ro's password, as written by
                        scripts/bootstrap_analytics_ro.sh (default
                        $ANALYTICS_RO_PASSWORD_FILE, else ~/.config/fleetmcp/analytics_ro.password)
  --image TAG           image tag (default fleetmcp:<git commit>, else fleetmcp:latest)
  --skip-build          use an existing image TAG
  -h, --help            this text

Environment:
  MCP_AUTH_TOKENS       name:token,... for the analysts; when unset, the running
                        container's tokens are kept
  MCP_TIME_ZONE         the business's time zone for answers (default Africa/Nairobi)
  TRAEFIK_ENTRYPOINT    Traefik entrypoint (default websecure)
  TRAEFIK_CERTRESOLVER  Traefik certificate resolver (default letsencrypt)
  TRAEFIK_NETWORK       the network Traefik reaches containers on, when it is
                        not the database's (the container joins both)
  HEALTH_TIMEOUT        seconds to wait for the new container (default 60)
EOF
}

say() { printf '[deploy] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db_container=timescale_db
name=fleetmcp
host=fleetmcp.fivetitude.com
password_file="${ANALYTICS_RO_PASSWORD_FILE:-$HOME/.config/fleetmcp/analytics_ro.password}"
image=""
build=true
while [ "$#" -gt 0 ]; do
  case "$1" in
    --db-container|--name|--host|--password-file|--image)
      [ "$#" -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --db-container) db_container=$2 ;;
        --name) name=$2 ;;
        --host) host=$2 ;;
        --password-file) password_file=$2 ;;
        --image) image=$2 ;;
      esac
      shift 2 ;;
    --skip-build) build=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
if [ -z "$image" ]; then
  image="fleetmcp:$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo latest)"
fi
previous="$name-previous"

container_exists() { docker container inspect "$1" >/dev/null 2>&1; }

# VAR=value lines of a container's environment.
container_env() { docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$1"; }

env_value() { sed -n "s/^$1=//p" | head -n 1; }

# Percent-encodes a DSN component (the password may hold any character).
url_encode() {
  local text=$1 i char out=""
  for ((i = 0; i < ${#text}; i++)); do
    char=${text:i:1}
    case "$char" in
      [A-Za-z0-9._~-]) out+=$char ;;
      *) out+=$(printf '%%%02X' "'$char") ;;
    esac
  done
  printf '%s' "$out"
}

database_network() {
  local networks
  networks=$(docker inspect -f '{{range $net, $_ := .NetworkSettings.Networks}}{{println $net}}{{end}}' "$db_container")
  # The default bridge has no name resolution between containers.
  networks=$(grep -vx -e bridge -e host -e none <<<"$networks" || true)
  [ -n "$networks" ] || die "$db_container is on no user-defined network; the gateway could not reach it by name"
  head -n 1 <<<"$networks"
}

# The DSN of the running stack's database, with analytics_ro's credentials.
database_url() {
  local db_env database port password
  db_env=$(container_env "$db_container")
  database=$(env_value POSTGRES_DB <<<"$db_env")
  port=$(env_value PGPORT <<<"$db_env")
  [ -r "$password_file" ] || die "no analytics_ro password in $password_file: run scripts/bootstrap_analytics_ro.sh --container $db_container first"
  password=$(head -n 1 "$password_file")
  [ -n "$password" ] || die "$password_file is empty"
  printf 'postgresql://analytics_ro:%s@%s:%s/%s' \
    "$(url_encode "$password")" "$db_container" "${port:-5432}" "${database:-tracksolid_db}"
}

auth_tokens() {
  if [ -n "${MCP_AUTH_TOKENS:-}" ]; then printf '%s' "$MCP_AUTH_TOKENS"; return 0; fi
  container_exists "$name" || die "MCP_AUTH_TOKENS is not set and there is no running $name container to take them from"
  local tokens
  tokens=$(container_env "$name" | env_value MCP_AUTH_TOKENS)
  [ -n "$tokens" ] || die "MCP_AUTH_TOKENS is not set and $name has none; set it (name:token,...)"
  say "keeping the analysts' tokens of the running $name container"
  printf '%s' "$tokens"
}

wait_until_healthy() {
  local deadline=$((SECONDS + ${HEALTH_TIMEOUT:-60})) status
  while [ "$SECONDS" -le "$deadline" ]; do
    status=$(docker inspect -f '{{.State.Health.Status}}' "$name" 2>/dev/null || echo missing)
    case "$status" in
      healthy) return 0 ;;
      unhealthy|missing) break ;;
    esac
    sleep 2
  done
  say "$name did not become healthy (last status: $status)"
  return 1
}

restore_previous() {
  docker logs --tail 30 "$name" >&2 || true
  docker rm -f "$name" >/dev/null || true
  if container_exists "$previous"; then
    docker rename "$previous" "$name"
    docker start "$name" >/dev/null
    say "restored the previous $name container"
  fi
}

command -v docker >/dev/null || die "docker is not installed"
container_exists "$db_container" || die "no container $db_container: is the database stack running? (--db-container)"
network=$(database_network)
traefik_network="${TRAEFIK_NETWORK:-$network}"
dsn=$(database_url)
tokens=$(auth_tokens)

if $build; then
  say "building $image"
  docker build -f "$repo/packaging/Dockerfile" -t "$image" "$repo"
fi

# Secrets go through a private file, not the command line (ps, shell history).
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
chmod 600 "$env_file"
printf 'DATABASE_URL=%s\nMCP_AUTH_TOKENS=%s\nMCP_TIME_ZONE=%s\n' "$dsn" "$tokens" "${MCP_TIME_ZONE:-Africa/Nairobi}" >"$env_file"

if container_exists "$name"; then
  docker rm -f "$previous" >/dev/null 2>&1 || true
  docker rename "$name" "$previous"
  docker stop "$previous" >/dev/null
fi

run_gateway() {
  local router="$name"
  say "starting $name ($image) on network $network for https://$host"
  # Export files live in a volume, so a redeploy keeps them until MCP_EXPORT_TTL.
  docker run -d --name "$name" --restart unless-stopped --network "$network" --env-file "$env_file" \
    -e "MCP_PUBLIC_URL=https://$host" -v "fleetmcp-exports:/var/lib/fleetmcp" \
    --label traefik.enable=true \
    --label "traefik.docker.network=$traefik_network" \
    --label "traefik.http.routers.$router.rule=Host(\`$host\`)" \
    --label "traefik.http.routers.$router.entrypoints=${TRAEFIK_ENTRYPOINT:-websecure}" \
    --label "traefik.http.routers.$router.tls=true" \
    --label "traefik.http.routers.$router.tls.certresolver=${TRAEFIK_CERTRESOLVER:-letsencrypt}" \
    --label "traefik.http.services.$router.loadbalancer.server.port=8892" \
    "$image" gateway >/dev/null || return 1
  if [ "$traefik_network" != "$network" ]; then docker network connect "$traefik_network" "$name"; fi
}

if ! run_gateway || ! wait_until_healthy; then
  restore_previous
  die "deploy failed; see the logs above"
fi
docker rm -f "$previous" >/dev/null 2>&1 || true
say "deployed $image: https://$host/mcp (healthz: https://$host/healthz)"
