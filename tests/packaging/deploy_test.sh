#!/usr/bin/env bash
# packaging/deploy.sh against a fake docker (tests/packaging/fake_docker) that
# records calls and plays a running stack: DSN and network taken from the
# database container, analytics_ro's password swapped in, Traefik labels,
# tokens kept from the running container, rollback when unhealthy.
# Prints "N passed, M failed"; exits non-zero on any failure.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
deploy="$root/packaging/deploy.sh"

passed=0
failed=0
check() {
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok   $name"; else failed=$((failed + 1)); echo "FAIL $name"; fi
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin"
ln -s "$here/fake_docker" "$scratch/bin/docker"

# A fresh stack: the database container on network "fleet", optionally a
# running gateway with tokens, and analytics_ro's password in a file.
new_stack() {
  export FAKE_DOCKER_STATE="$scratch/state-$1"
  mkdir -p "$FAKE_DOCKER_STATE/containers/timescale_db"
  printf 'POSTGRES_DB=tracksolid_db\nPOSTGRES_PASSWORD=superuser-secret\n' >"$FAKE_DOCKER_STATE/containers/timescale_db/env"
  printf 'bridge\nfleet\n' >"$FAKE_DOCKER_STATE/containers/timescale_db/networks"
  echo healthy >"$FAKE_DOCKER_STATE/health"
  printf 'p@ss/w0rd\n' >"$scratch/password"
}
with_running_gateway() {
  mkdir -p "$FAKE_DOCKER_STATE/containers/fleetmcp"
  printf 'DATABASE_URL=postgresql://old\nMCP_AUTH_TOKENS=alice:old-token,bob:b0b\n' \
    >"$FAKE_DOCKER_STATE/containers/fleetmcp/env"
  echo fleet >"$FAKE_DOCKER_STATE/containers/fleetmcp/networks"
}
run_deploy() {
  PATH="$scratch/bin:$PATH" HEALTH_TIMEOUT=4 "$deploy" --password-file "$scratch/password" --image fleetmcp:test "$@" \
    >"$FAKE_DOCKER_STATE/out" 2>&1
}
gateway_env() { cat "$FAKE_DOCKER_STATE/containers/fleetmcp/env"; }
calls() { cat "$FAKE_DOCKER_STATE/calls"; }
run_call() { calls | grep '^run '; }
has_line() { grep -qxF -- "$1"; }
has_text() { grep -qF -- "$1"; }

# --- a first deploy with tokens given
new_stack first
first_deploy() { MCP_AUTH_TOKENS=carol:c4r0l run_deploy; }
check "deploys with MCP_AUTH_TOKENS given" first_deploy
check "builds the image from packaging/Dockerfile" \
  has_line "build -f $root/packaging/Dockerfile -t fleetmcp:test $root" < <(calls)
check "DSN: the database container, its POSTGRES_DB, analytics_ro with the encoded password" \
  has_line "DATABASE_URL=postgresql://analytics_ro:p%40ss%2Fw0rd@timescale_db:5432/tracksolid_db" < <(gateway_env)
no_superuser_password() { ! gateway_env | grep -q superuser-secret; }
check "the superuser password is not passed on" no_superuser_password
check "the given tokens are used" has_line "MCP_AUTH_TOKENS=carol:c4r0l" < <(gateway_env)
check "answers in the business's time zone" has_line "MCP_TIME_ZONE=Africa/Nairobi" < <(gateway_env)
secrets_in_private_file() {
  [ "$(cat "$FAKE_DOCKER_STATE/containers/fleetmcp/env-file-mode")" = 600 ] && ! calls | grep -q -e c4r0l -e p%40ss
}
check "secrets travel in a 0600 env file, not on the command line" secrets_in_private_file
check "runs on the database's user-defined network" has_text "--network fleet " < <(run_call)
traefik_labels() {
  run_call | has_text "traefik.http.routers.fleetmcp.rule=Host(\`fleetmcp.fivetitude.com\`)" &&
    run_call | has_text "traefik.http.services.fleetmcp.loadbalancer.server.port=8892" &&
    run_call | has_text "traefik.enable=true"
}
check "Traefik routes fleetmcp.fivetitude.com to port 8892" traefik_labels
check "starts the gateway command of the image" has_text "fleetmcp:test gateway" < <(run_call)

# --- a redeploy without tokens keeps the running container's
new_stack redeploy
with_running_gateway
redeploys_without_tokens() { (unset MCP_AUTH_TOKENS; run_deploy); }
check "redeploys without MCP_AUTH_TOKENS" redeploys_without_tokens
check "keeps the running container's tokens" has_line "MCP_AUTH_TOKENS=alice:old-token,bob:b0b" < <(gateway_env)
old_container_removed() { [ ! -d "$FAKE_DOCKER_STATE/containers/fleetmcp-previous" ] && calls | has_line "rm -f fleetmcp-previous"; }
check "the old container is removed once the new one is healthy" old_container_removed

new_stack skip_build
skips_build() { MCP_AUTH_TOKENS=a:b run_deploy --skip-build && ! calls | grep -q '^build'; }
check "--skip-build does not build" skips_build

# --- refusals, before anything is built or stopped
untouched() { ! calls | grep -qE '^(build|run|rename|stop|rm)'; }
out_says() { has_text "$1" <"$FAKE_DOCKER_STATE/out"; }

new_stack no_tokens
refuses_without_tokens() { ! (unset MCP_AUTH_TOKENS; run_deploy) && out_says "MCP_AUTH_TOKENS is not set" && untouched; }
check "no tokens given and no running gateway: refused" refuses_without_tokens

new_stack no_password
rm -f "$scratch/password"
refuses_without_password() { ! MCP_AUTH_TOKENS=a:b run_deploy && out_says bootstrap_analytics_ro.sh && untouched; }
check "no password file: refused, pointing to the bootstrap script" refuses_without_password

new_stack no_db
rm -rf "$FAKE_DOCKER_STATE/containers/timescale_db"
refuses_without_db() { ! MCP_AUTH_TOKENS=a:b run_deploy && out_says "no container timescale_db" && untouched; }
check "no database container: refused" refuses_without_db

# --- an unhealthy new container: the previous one comes back
new_stack rollback
with_running_gateway
echo unhealthy >"$FAKE_DOCKER_STATE/health"
unhealthy_fails() { ! MCP_AUTH_TOKENS=new:t0ken run_deploy; }
check "an unhealthy deploy fails" unhealthy_fails
previous_restored() {
  calls | has_line "rename fleetmcp-previous fleetmcp" && calls | has_line "start fleetmcp" &&
    has_line "MCP_AUTH_TOKENS=alice:old-token,bob:b0b" < <(gateway_env)
}
check "the previous container is restored and started" previous_restored

shellcheck_clean() { shellcheck -x "$deploy" "$here/deploy_test.sh" "$here/fake_docker"; }
if command -v shellcheck >/dev/null; then check "shellcheck: deploy.sh and this test" shellcheck_clean; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
