#!/usr/bin/env bash
# `fleetmcp --ssh`: a throwaway sshd on loopback (own host key, a key made
# here, as the current user) forwards to the test database; doctor logs in
# through the tunnel, and an ssh failure is reported with ssh's own message.
set -euo pipefail
: "${FLEETMCP_BIN:?}" "${DATABASE_URL:?}" "${TESTDB_PORT:?}"
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetmcp-ssh.XXXXXX")
sshd_pid=""
cleanup() { [ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
chmod 600 "$work/authorized_keys"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p /run/sshd 2>/dev/null || true
cat >"$work/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $work/host_key
AuthorizedKeysFile $work/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile $work/sshd.pid
AllowTcpForwarding local
CONF
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

user=$(id -un)
ssh_args=(--ssh "$user@127.0.0.1" --ssh-target "127.0.0.1:$TESTDB_PORT"
          --ssh-option "Port=$port" --ssh-option "IdentityFile=$work/client_key"
          --ssh-option "UserKnownHostsFile=$work/known_hosts" --ssh-option "StrictHostKeyChecking=accept-new"
          --ssh-option "IdentitiesOnly=yes")

# DATABASE_URL names a host that does not resolve here: only the tunnel can reach it.
remote_url=$(sed "s/@127\.0\.0\.1:$TESTDB_PORT/@timescale-db.invalid:5432/" <<<"$DATABASE_URL")
out=$(DATABASE_URL="$remote_url" "$FLEETMCP_BIN" "${ssh_args[@]}" doctor 2>"$work/stderr") || true
grep -q "✔ TCP reachable: 127.0.0.1:" <<<"$out" || { cat "$work/stderr" "$work/sshd.log"; fail "no TCP through the tunnel: $out"; }
grep -q "✔ login: logged in as analytics_ro" <<<"$out" || fail "no login through the tunnel: $out"
grep -q "✔ cannot write anywhere" <<<"$out" || fail "role checks did not run: $out"
grep -q "ssh tunnel to 127.0.0.1:$TESTDB_PORT" "$work/stderr" || fail "the tunnel was not logged"
# The tunnel ends with the process.
sleep 0.5
if pgrep -f -- "-L 127.0.0.1:[0-9]*:127.0.0.1:$TESTDB_PORT" >/dev/null; then fail "ssh outlived fleetmcp"; fi

# A port where no sshd listens: ssh's own message, exit 2.
code=0
DATABASE_URL="$remote_url" "$FLEETMCP_BIN" --ssh "$user@127.0.0.1" --ssh-option "Port=1" doctor \
  >/dev/null 2>"$work/stderr" || code=$?
[ "$code" -eq 2 ] || fail "expected exit 2 for a failed ssh, got $code"
grep -q "cannot open the SSH tunnel: ssh failed" "$work/stderr" || fail "no ssh failure: $(cat "$work/stderr")"
grep -qi "connection refused" "$work/stderr" || fail "ssh's own message missing: $(cat "$work/stderr")"
# Several hosts (a standby and the primary): refused before ssh starts, saying how to forward each.
code=0
multi_url=$(sed "s/@127\.0\.0\.1:$TESTDB_PORT/@standby.invalid:5432,primary.invalid:5432/" <<<"$DATABASE_URL")
DATABASE_URL="$multi_url?target_session_attrs=prefer-standby" "$FLEETMCP_BIN" "${ssh_args[@]}" doctor \
  >/dev/null 2>"$work/stderr" || code=$?
[ "$code" -eq 2 ] || fail "expected exit 2 for --ssh with several hosts, got $code"
grep -q "names several hosts (standby.invalid,primary.invalid)" "$work/stderr" \
  || fail "no refusal naming the hosts: $(cat "$work/stderr")"
if grep -q "ssh tunnel to" "$work/stderr"; then fail "ssh was started for a DSN it cannot serve"; fi
if grep -q "$(cat "$TESTDB_RO_PASSWORD_FILE" 2>/dev/null || echo no-password-file)" "$work/stderr"; then
  fail "the password leaked into the refusal"
fi
echo "ssh tunnel: ok"
