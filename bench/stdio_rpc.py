# A raw newline-delimited JSON-RPC client over a child's stdio, with no MCP SDK
# in the loop, so every server is timed by the same few lines of code.
import json
import os
import subprocess
import time

from processes import terminate


class LineChannel:
    """Reads whole lines from a pipe as fast as the child writes them."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = bytearray()

    def read_line(self, deadline):
        """Returns the next line without its newline; raises TimeoutError past deadline."""
        start = 0
        while True:
            newline = self.buffer.find(b"\n", start)
            if newline >= 0:
                line = bytes(self.buffer[:newline])
                del self.buffer[: newline + 1]
                return line
            start = len(self.buffer)
            if time.monotonic() > deadline:
                raise TimeoutError("no complete line before the deadline")
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                raise EOFError("the child closed its output")
            self.buffer += chunk


class RpcChild:
    """One server process spoken to over stdin/stdout; stderr goes to a log file."""

    def __init__(self, argv, env, stderr_path, cwd=None):
        self.started_ns = time.perf_counter_ns()
        with open(stderr_path, "ab") as stderr:
            self.process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=cwd
            )
        self.channel = LineChannel(self.process.stdout.fileno())
        self.next_id = 1

    @property
    def pid(self):
        return self.process.pid

    def send(self, message):
        self.process.stdin.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")
        self.process.stdin.flush()

    def request(self, method, params=None, timeout_s=120):
        """Sends a request and waits for its response, skipping notifications.

        Returns (latency_ns, response_bytes, parsed_response); latency runs from
        just before the write to the arrival of the response's newline."""
        request_id = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        started = time.perf_counter_ns()
        self.send(message)
        deadline = time.monotonic() + timeout_s
        while True:
            line = self.channel.read_line(deadline)
            elapsed = time.perf_counter_ns() - started
            response = json.loads(line)
            if response.get("id") == request_id:
                return elapsed, len(line) + 1, response

    def notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def close(self, timeout_s=10):
        """Closes stdin (the stdio way to ask a server to exit), then insists."""
        try:
            self.process.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            terminate(self.process, 5)
        self.process.stdout.close()
