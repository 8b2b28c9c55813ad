# The servers under test and the psql floor, each behind the same small
# interface: start() → a session that runs workloads and reports timings.
import csv
import io
import json
import os
import subprocess
import time

csv.field_size_limit(1 << 30)  # the wide workload has 1 MB cells

from machine import binary_kind, commit
from stdio_rpc import LineChannel, RpcChild

INITIALIZE = {
    "protocolVersion": "2025-11-25",
    "capabilities": {},
    "clientInfo": {"name": "fleetmcp-bench", "version": "1"},
}


class Measurement:
    def __init__(self, latency_ns, response_bytes):
        self.latency_ns = latency_ns
        self.response_bytes = response_bytes


class McpSession:
    def __init__(self, subject, stderr_path):
        self.subject = subject
        self.child = RpcChild(subject.argv, subject.env, stderr_path)
        _, _, response = self.child.request("initialize", INITIALIZE, timeout_s=60)
        self.first_reply_ns = time.perf_counter_ns() - self.child.started_ns
        if "result" not in response:
            raise RuntimeError(f"{subject.name}: initialize failed: {response}")
        self.child.notify("notifications/initialized")

    @property
    def pid(self):
        return self.child.pid

    def since_start_ns(self):
        return time.perf_counter_ns() - self.child.started_ns

    def run(self, workload, count_rows=False):
        """One call; returns (Measurement, rows returned when count_rows, else None)."""
        if workload.method:
            latency, size, response = self.child.request(workload.method)
            if "result" not in response:
                raise RuntimeError(f"{self.subject.name}: {workload.method} failed: {response}")
            return Measurement(latency, size), None
        params = {"name": self.subject.tool, "arguments": self.subject.arguments(workload.sql)}
        latency, size, response = self.child.request("tools/call", params)
        result = response.get("result")
        if result is None or result.get("isError"):
            raise RuntimeError(f"{self.subject.name}: {workload.key} failed: {json.dumps(response)[:500]}")
        rows = self.subject.rows_in(result["content"][0]["text"]) if count_rows else None
        return Measurement(latency, size), rows

    def close(self):
        self.child.close()


class McpSubject:
    """An MCP server started as a stdio child, called through one SQL tool."""

    kind = "mcp"

    def __init__(self, name, argv, env, tool, arguments, rows_in, note):
        self.name = name
        self.argv = argv
        self.env = env
        self.tool = tool
        self.arguments = arguments  # sql → the tool's arguments
        self.rows_in = rows_in      # the tool's text → rows it holds (checks equal work)
        self.note = note

    def start(self, stderr_path):
        return McpSession(self, stderr_path)


def fleetmcp(binary, dsn, base_env):
    # Caps raised so that every server returns the same rows and bytes; with the
    # defaults (1 MiB, 64 KiB cells) fleetmcp would cut the wide and 10k results.
    env = dict(base_env, DATABASE_URL=dsn, MCP_MAX_ROWS="10000", MCP_MAX_BYTES=str(256 << 20),
               MCP_MAX_CELL=str(2 << 20), MCP_CALLER="bench")

    def rows_in(text):
        payload = json.loads(text)
        if payload["truncated"]:
            raise RuntimeError(f"fleetmcp truncated a benchmark result: {payload['truncated_reason']}")
        return payload["row_count"]

    return McpSubject("fleetmcp", [binary], env, "query",
                      lambda sql: {"sql": sql, "max_rows": 10000}, rows_in,
                      f"{binary} ({binary_kind(binary)} build {commit()}), MCP_MAX_BYTES 256 MiB, MCP_MAX_CELL 2 MiB")


def server_postgres(peers_dir, dsn, base_env):
    script = os.path.join(peers_dir, "node_modules/@modelcontextprotocol/server-postgres/dist/index.js")
    return McpSubject("server-postgres", ["node", script, dsn], dict(base_env), "query",
                      lambda sql: {"sql": sql}, lambda text: len(json.loads(text)),
                      "@modelcontextprotocol/server-postgres 0.6.2 (node, DSN as argv, no row limit)")


def dbhub(peers_dir, config_path, dsn, base_env):
    with open(config_path, "w") as config:
        config.write('[[sources]]\nid = "default"\n'
                     f"dsn = {json.dumps(dsn)}\n\n"
                     '[[tools]]\nname = "execute_sql"\nsource = "default"\nreadonly = true\nmax_rows = 10000\n')
    script = os.path.join(peers_dir, "node_modules/@bytebase/dbhub/dist/index.js")

    def rows_in(text):
        statement = json.loads(text)["data"]["statements"][0]
        if statement.get("truncated"):
            raise RuntimeError("dbhub truncated a benchmark result")
        return statement["count"]

    return McpSubject("dbhub", ["node", script, "--transport", "stdio", "--config", config_path], dict(base_env),
                      "execute_sql", lambda sql: {"sql": sql}, rows_in,
                      "@bytebase/dbhub 1.4.0 (node, TOML: execute_sql readonly = true, max_rows = 10000)")


class PsqlSession:
    """One long-lived psql reading statements from a pipe. After each statement
    it is asked to \\echo a marker; the time from writing the statement to
    reading the marker is the latency, and the bytes before it the response."""

    def __init__(self, subject, stderr_path):
        self.started_ns = time.perf_counter_ns()
        with open(stderr_path, "ab") as stderr:
            self.process = subprocess.Popen(subject.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=stderr, env=subject.env)
        self.channel = LineChannel(self.process.stdout.fileno())
        self.markers = 0
        # psql connects before it reads its input, so this reply follows the connection.
        self._round_trip("")
        self.first_reply_ns = time.perf_counter_ns() - self.started_ns

    @property
    def pid(self):
        return self.process.pid

    def since_start_ns(self):
        return time.perf_counter_ns() - self.started_ns

    def _round_trip(self, statement):
        self.markers += 1
        marker = f"__bench_{self.markers}__".encode()
        started = time.perf_counter_ns()
        self.process.stdin.write(statement.encode() + b"\n\\echo " + marker + b"\n")
        self.process.stdin.flush()
        lines, size = [], 0
        deadline = time.monotonic() + 120
        while True:
            line = self.channel.read_line(deadline)
            if line == marker:
                return time.perf_counter_ns() - started, size, lines
            size += len(line) + 1
            lines.append(line)

    def run(self, workload, count_rows=False):
        if workload.method:
            return None, None  # MCP only
        latency, size, lines = self._round_trip(workload.sql + ";")
        rows = len(list(csv.reader(io.StringIO(b"\n".join(lines).decode())))) - 1 if count_rows else None
        return Measurement(latency, size), rows  # rows: minus the header

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


class PsqlSubject:
    kind = "psql"
    name = "psql"

    def __init__(self, dsn, base_env):
        self.argv = ["psql", "-X", "-q", "--csv", "-v", "ON_ERROR_STOP=1", dsn]
        self.env = dict(base_env)
        self.note = "psql " + subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.split()[2] \
            + " (-X -q --csv, one process fed through a pipe)"

    def start(self, stderr_path):
        return PsqlSession(self, stderr_path)
