#!/usr/bin/env python3
"""Fault and cancellation tests for `fleetmcp serve`, driven with raw JSON-RPC
over stdio (no SDK in the loop). Needs FLEETMCP_BIN, DATABASE_URL,
TESTDB_ADMIN_URL and TESTDB_DIR (scripts/testdb's env). Time bounds below are
hang guards only; the measured figures are printed for the report."""
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import queue

BIN = os.environ["FLEETMCP_BIN"]
ADMIN_URL = os.environ["TESTDB_ADMIN_URL"]
TESTDB_DIR = os.environ["TESTDB_DIR"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PSQL = os.environ.get("PSQL", "/usr/lib/postgresql/15/bin/psql")
HANG_GUARD_S = 10
failures = []


def admin_sql(sql):
    out = subprocess.run([PSQL, "-X", "-At", "-d", ADMIN_URL, "-c", sql], capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def backends_running(application_name):
    """Backends of that fleetmcp child busy with a statement (the cursor's FETCH, so not found by query text)."""
    return int(admin_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
        f"AND application_name = '{application_name}'") or 0)


def url_with_application_name(name):
    url = os.environ["DATABASE_URL"]
    return url + ("&" if "?" in url else "?") + "application_name=" + name


def wait_until(predicate, limit=HANG_GUARD_S, step=0.02):
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if predicate():
            return time.monotonic() - started
        time.sleep(step)
    return None


def check(name, ok, detail=""):
    print(("ok     " if ok else "FAILED ") + name + (f" — {detail}" if detail else ""), flush=True)
    if not ok:
        failures.append(name)


class Server:
    """One fleetmcp child; a reader thread sorts its stdout into responses by id and notifications."""

    def __init__(self, extra_env=None, handshake=True):
        env = dict(os.environ, MCP_LOG_LEVEL="warn", **(extra_env or {}))
        self.proc = subprocess.Popen([BIN, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.responses = {}
        self.notifications = queue.Queue()
        self.arrived = threading.Condition()
        self.next_id = 100
        threading.Thread(target=self._read, daemon=True).start()
        if handshake:
            self.request("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                        "clientInfo": {"name": "faults", "version": "1"}})
            self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _read(self):
        for line in self.proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                message = {"unparsable": line[:200]}
            with self.arrived:
                if "method" not in message and ("id" in message or "error" in message):
                    # A parse error cannot name its request; JSON-RPC says id null, fleetmcp omits it.
                    self.responses.setdefault(json.dumps(message.get("id")), []).append(message)
                else:
                    self.notifications.put(message)
                self.arrived.notify_all()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        self.send_raw((json.dumps(message) + "\n").encode())

    def start(self, method, params=None, request_id=None):
        if request_id is None:
            self.next_id += 1
            request_id = self.next_id
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return request_id

    def wait(self, request_id, limit=HANG_GUARD_S, count=1):
        key = json.dumps(request_id)
        deadline = time.monotonic() + limit
        with self.arrived:
            while len(self.responses.get(key, [])) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.arrived.wait(left)
            return self.responses[key][count - 1]

    def request(self, method, params=None, limit=HANG_GUARD_S):
        return self.wait(self.start(method, params), limit)

    def call(self, tool, arguments, meta=None, limit=HANG_GUARD_S):
        params = {"name": tool, "arguments": arguments}
        if meta:
            params["_meta"] = meta
        return self.request("tools/call", params, limit)

    def exit_code(self, limit=HANG_GUARD_S):
        try:
            return self.proc.wait(limit)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None

    def peak_rss_kb(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0


def text_of(response):
    if not response or "result" not in response:
        return json.dumps(response)
    return response["result"]["content"][0]["text"]


def ok_select_1(server, limit=HANG_GUARD_S):
    response = server.call("query", {"sql": "SELECT 1"}, limit=limit)
    return response is not None and not response["result"].get("isError") and '"rows":[[1]]' in text_of(response)


def test_cancel_ping_list_progress():
    server = Server({"DATABASE_URL": url_with_application_name("cancel_probe")})
    call_id = server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT pg_sleep(30)"}})
    check("the slow query reaches the server", wait_until(lambda: backends_running("cancel_probe") == 1) is not None)
    started = time.monotonic()
    check("ping is answered while a query runs", server.request("ping", limit=5) is not None,
          f"{(time.monotonic() - started) * 1000:.1f} ms")
    started = time.monotonic()
    listed = server.request("tools/list", limit=5)
    check("tools/list is answered while a query runs", listed is not None and len(listed["result"]["tools"]) >= 6,
          f"{(time.monotonic() - started) * 1000:.1f} ms")
    cancelled_at = time.monotonic()
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled",
                 "params": {"requestId": call_id, "reason": "test"}})
    gone = wait_until(lambda: backends_running("cancel_probe") == 0)
    check("a cancel stops the backend query", gone is not None, f"gone after {gone * 1000 if gone else -1:.0f} ms")
    answered = ok_select_1(server, limit=5)
    check("the next call is answered after a cancel", answered,
          f"{(time.monotonic() - cancelled_at) * 1000:.0f} ms from cancel to the next answer")
    check("the cancelled call gets no response", server.wait(call_id, limit=0.2) is None)

    token = "progress-1"
    response = server.call("query", {"sql": "SELECT g, repeat('x', 50) FROM generate_series(1, 5000) g",
                                     "max_rows": 5000}, meta={"progressToken": token})
    progress = []
    while not server.notifications.empty():
        message = server.notifications.get()
        if message.get("method") == "notifications/progress" and message["params"]["progressToken"] == token:
            progress.append(message["params"]["progress"])
    check("progress notifications arrive per fetched batch", response is not None and len(progress) >= 2
          and progress == sorted(progress), f"{len(progress)} notifications: {progress[:6]}")
    server.proc.stdin.close()
    check("exit 0 after the tests", server.exit_code() == 0)


def stop_mid_query(name, stop):
    server = Server({"DATABASE_URL": url_with_application_name(f"{name}_probe")})
    server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT pg_sleep(30)"}})
    check(f"{name}: the query runs", wait_until(lambda: backends_running(f"{name}_probe") == 1) is not None)
    started = time.monotonic()
    stop(server)
    code = server.exit_code()
    exited = time.monotonic() - started
    gone = wait_until(lambda: backends_running(f"{name}_probe") == 0, limit=5)
    check(f"{name} while a query runs: exit 0 and the backend is gone", code == 0 and gone is not None,
          f"exit {code} after {exited * 1000:.0f} ms; backend gone {(exited + (gone or 0)) * 1000:.0f} ms after the stop")


def test_eof_answers_received_calls():
    """`printf '…' | fleetmcp`: the client closes stdin after its last request but still reads."""
    server = Server({"DATABASE_URL": url_with_application_name("eof_probe")})
    request_id = server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT pg_sleep(1), 7 AS after_eof"}})
    check("eof: the query runs", wait_until(lambda: backends_running("eof_probe") == 1) is not None)
    server.proc.stdin.close()
    response = server.wait(request_id)
    answered = response is not None and not response.get("result", {}).get("isError", True) \
        and json.loads(text_of(response))["rows"][0][1] == 7
    check("eof while a query runs: the call is still answered", answered, json.dumps(response)[:300])
    code = server.exit_code()
    gone = wait_until(lambda: backends_running("eof_probe") == 0, limit=5)
    check("eof: then exit 0 and the backend is gone", code == 0 and gone is not None, f"exit {code}")


def test_client_gone_mid_query():
    """The client exited: end of input and nobody reading stdout. The query is cancelled at once."""
    env = dict(os.environ, MCP_LOG_LEVEL="warn", DATABASE_URL=url_with_application_name("gone_probe"))
    proc = subprocess.Popen([BIN, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=env)
    for message in ({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                     "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                                "clientInfo": {"name": "faults", "version": "1"}}},
                    {"jsonrpc": "2.0", "method": "notifications/initialized"},
                    {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                     "params": {"name": "query", "arguments": {"sql": "SELECT pg_sleep(30)"}}}):
        proc.stdin.write((json.dumps(message) + "\n").encode())
        proc.stdin.flush()
    proc.stdout.readline()  # the initialize result
    check("client gone: the query runs", wait_until(lambda: backends_running("gone_probe") == 1) is not None)
    started = time.monotonic()
    proc.stdout.close()
    proc.stdin.close()
    try:
        code = proc.wait(HANG_GUARD_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = None
    exited = time.monotonic() - started
    gone = wait_until(lambda: backends_running("gone_probe") == 0, limit=5)
    check("client gone while a query runs: exit 0 and the backend is gone", code == 0 and gone is not None,
          f"exit {code} after {exited * 1000:.0f} ms; backend gone {(exited + (gone or 0)) * 1000:.0f} ms after the client left")


def test_stdout_closed():
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read the server's answers
    proc = subprocess.Popen([BIN, "serve"], stdin=subprocess.PIPE, stdout=write_end, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, MCP_LOG_LEVEL="warn"))
    os.close(write_end)
    try:
        for request_id in range(50):
            proc.stdin.write((json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/list"}) + "\n").encode())
            proc.stdin.flush()
    except BrokenPipeError:
        pass
    time.sleep(0.2)
    check("stdout closed: no crash from SIGPIPE", proc.poll() is None or proc.returncode >= 0, f"{proc.returncode}")
    try:
        proc.stdin.close()
        code = proc.wait(HANG_GUARD_S)
    except (subprocess.TimeoutExpired, BrokenPipeError):
        proc.kill()
        code = None
    check("stdout closed: a clean exit", code == 0, f"exit {code}")


def test_reconnects():
    server = Server({"DATABASE_URL": url_with_application_name("reconnect_probe")})
    check("a first call", ok_select_1(server))
    started = time.monotonic()
    subprocess.run([os.path.join(ROOT, "scripts/testdb"), "restart", TESTDB_DIR], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    restart_s = time.monotonic() - started
    started = time.monotonic()
    check("after a database restart the next call reconnects and succeeds", ok_select_1(server),
          f"restart took {restart_s:.1f} s; the next call {(time.monotonic() - started) * 1000:.0f} ms")

    killed = admin_sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE application_name = 'reconnect_probe'")
    started = time.monotonic()
    check("after pg_terminate_backend the next call reconnects and succeeds", killed != "0" and ok_select_1(server),
          f"{killed} backend(s) killed; next call {(time.monotonic() - started) * 1000:.0f} ms")
    server.proc.stdin.close()
    server.exit_code()


def postgres_pids():
    with open(os.path.join(TESTDB_DIR, "data", "postmaster.pid")) as pidfile:
        postmaster = int(pidfile.readline())
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == postmaster:
                        children.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return [postmaster] + children


def test_frozen_database():
    server = Server()
    check("a first call before the freeze", ok_select_1(server))
    pids = postgres_pids()
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = server.call("query", {"sql": "SELECT 1", "timeout_s": 2}, limit=30)
        took = time.monotonic() - started
        check("database frozen: the call ends with a timeout error, no hang",
              response is not None and response["result"].get("isError") and "timeout" in text_of(response).lower(),
              f"after {took:.1f} s: {text_of(response)[:160]}")
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    check("after the thaw the next call succeeds", ok_select_1(server, limit=20))
    server.proc.stdin.close()
    server.exit_code()


def test_database_down():
    server = Server({"DATABASE_URL": "postgresql://analytics_ro:x@127.0.0.1:1/tracksolid_db"})
    response = server.call("query", {"sql": "SELECT 1"})
    text = text_of(response)
    check("database down: a clear tool error", response is not None and response["result"].get("isError")
          and "cannot connect to the database" in text and ":x@" not in text, text[:160])
    check("database down: the server keeps serving", server.request("ping") is not None)
    server.proc.stdin.close()
    check("database down: exit 0", server.exit_code() == 0)


def test_hostile_protocol_input():
    server = Server()

    def expect_error(name, raw, code=None):
        before = len(server.responses.get("null", []))
        server.send_raw(raw)
        response = server.wait(None, count=before + 1)
        got = response and response.get("error", {}).get("code")
        check(f"protocol: {name} → error {got}", got is not None and (code is None or got == code),
              json.dumps(response)[:160])

    chunk = b"x" * (1024 * 1024)
    server.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"')
    for _ in range(100):
        server.send_raw(chunk)
    server.send_raw(b'"}}\n')
    check("protocol: a 100 MB line is refused and the server keeps serving", server.request("ping") is not None)
    expect_error("invalid UTF-8", b'{"jsonrpc":"2.0","id":"\xff\xfe","method":"ping"}\n')
    expect_error("JSON nested 100,000 deep", b"[" * 100000 + b"]" * 100000 + b"\n")
    expect_error("not JSON", b"{nope\n", -32700)
    unknown = server.request("ping", {"unexpected": {"field": [1, 2]}})
    check("protocol: unknown fields are ignored", unknown is not None and "result" in unknown)
    wrong = server.request("tools/call", {"name": 42, "arguments": "SELECT 1"})
    check("protocol: wrong types → a clear error", wrong is not None and ("error" in wrong or wrong["result"].get("isError")),
          json.dumps(wrong)[:160])
    server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT pg_sleep(0.3)"}}, request_id=7)
    duplicate = server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT 2"}}, request_id=7)
    first, second = server.wait(duplicate), server.wait(duplicate, count=2)
    check("protocol: a duplicate id gets two answers, no crash", first is not None and second is not None,
          json.dumps(second)[:160] if second else "")
    started = time.monotonic()
    ids = [server.start("ping") for _ in range(5000)]
    ids += [server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT 1"}}) for _ in range(200)]
    answered = sum(server.wait(i, limit=60) is not None for i in ids)
    check("protocol: a flood of 5,000 pings and 200 queries is answered", answered == len(ids),
          f"{answered}/{len(ids)} in {time.monotonic() - started:.1f} s")
    check("protocol: the server still serves after all of it", ok_select_1(server))
    peak = server.peak_rss_kb()
    check("protocol: memory stays bounded (VmHWM under 64 MB)", 0 < peak < 64 * 1024, f"VmHWM {peak / 1024:.1f} MB")
    server.proc.stdin.close()
    check("protocol: exit 0", server.exit_code() == 0)


def test_wide_rows_keep_memory_bounded():
    """Rows of 30 MB cells: one row is held at a time (libpq's buffer and its result), never a batch of them."""
    server = Server()
    response = server.call("query", {"sql": "SELECT g, repeat('x', 30000000) AS body FROM generate_series(1, 40) g"})
    payload = json.loads(text_of(response)) if response and not response["result"].get("isError") else {}
    check("wide rows: the answer stops at the byte cap with its cells cut",
          payload.get("truncated_reason") == "bytes" and payload.get("cells_cut", 0) == payload.get("row_count", -1) > 0,
          text_of(response)[-200:])
    peak = server.peak_rss_kb()
    # The cursor's first FETCH of 8 such rows held 8 × 30 MB twice (libpq's buffer and its result);
    # one row at a time is libpq's buffer (grown to 32-64 MB) and the row's copy: 187 MB measured.
    check("wide rows: VmHWM stays under 256 MB, less than one batch of 8 rows", 0 < peak < 256 * 1024,
          f"VmHWM {peak / 1024:.1f} MB")
    check("wide rows: the session serves the next call", ok_select_1(server))
    server.proc.stdin.close()
    check("wide rows: exit 0", server.exit_code() == 0)


def test_queue_of_large_calls_is_bounded():
    """400 calls of 1 MiB each behind a running one: the queue holds 64, the rest are answered busy at once."""
    server = Server()
    running = server.start("tools/call", {"name": "query", "arguments": {"sql": "SELECT pg_sleep(30)"}})
    wait_until(lambda: backends_running("fleetmcp") > 0, limit=5)
    big = "SELECT '" + "x" * (1024 * 1024) + "' AS pad LIMIT 0"
    ids = [server.start("tools/call", {"name": "query", "arguments": {"sql": big}}) for _ in range(400)]
    busy = [server.wait(i, limit=5) for i in ids[64:]]
    check("queue: calls past the 64 queued are answered busy at once",
          all(b is not None and b.get("error", {}).get("code") == -32603 and "busy" in b["error"]["message"] for b in busy),
          json.dumps(next((b for b in busy if b is None or "error" not in b), None))[:160])
    peak = server.peak_rss_kb()
    check("queue: 400 queued 1 MiB calls keep VmHWM under 160 MB", 0 < peak < 160 * 1024, f"VmHWM {peak / 1024:.1f} MB")
    server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": running}})
    answered = sum(server.wait(i, limit=60) is not None for i in ids[:64])
    check("queue: the 64 queued calls are answered once the running one is cancelled", answered == 64, f"{answered}/64")
    server.proc.stdin.close()
    check("queue: exit 0", server.exit_code() == 0)


if __name__ == "__main__":
    tests = [test_cancel_ping_list_progress,
             test_eof_answers_received_calls, test_client_gone_mid_query,
             lambda: stop_mid_query("sigterm", lambda s: s.proc.send_signal(signal.SIGTERM)),
             test_stdout_closed, test_database_down, test_hostile_protocol_input, test_queue_of_large_calls_is_bounded,
             test_wide_rows_keep_memory_bounded,
             test_reconnects,
             test_frozen_database]
    only = sys.argv[1:]
    for test in tests:
        name = getattr(test, "__name__", "")
        if only and not any(o in name for o in only):
            continue
        test()
    print(f"{len(failures)} failed" + (": " + ", ".join(failures) if failures else ""))
    sys.exit(1 if failures else 0)
