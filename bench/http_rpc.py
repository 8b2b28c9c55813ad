# A raw HTTP/1.1 JSON-RPC client on one kept-alive loopback connection, with
# no HTTP library in the loop, so the gateway is timed by as few lines of
# client code as stdio_rpc.py times a stdio server.
import json
import socket
import time


class HttpReply:
    def __init__(self, status, headers, body, latency_ns):
        self.status = status
        self.headers = headers  # lower-case name → value
        self.body = body
        self.latency_ns = latency_ns

    def json(self):
        return json.loads(self.body)


class HttpRpcClient:
    """POSTs JSON-RPC requests to one MCP endpoint; reconnects when the server closes."""

    def __init__(self, host, port, path, headers, timeout_s=120):
        self.address = (host, port)
        self.timeout_s = timeout_s
        fixed = {"Host": f"{host}:{port}", "Content-Type": "application/json",
                 "Accept": "application/json, text/event-stream", **headers}
        self.head = (f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fixed.items())).encode()
        self.sock = None
        self.buffer = bytearray()
        self.next_id = 1

    def _connect(self):
        self.sock = socket.create_connection(self.address, timeout=self.timeout_s)
        # Without it a request's head and body could wait on each other's ACK.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer.clear()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("the gateway closed the connection mid-response")
        self.buffer += chunk

    def _read_reply(self):
        while (head_end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._fill()
        lines = bytes(self.buffer[:head_end]).decode("latin-1").split("\r\n")
        del self.buffer[: head_end + 4]
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body = bytes(self.buffer[:length])
        del self.buffer[:length]
        return status, headers, body

    def _exchange(self, message):
        if self.sock is None:
            self._connect()
        started = time.perf_counter_ns()
        self.sock.sendall(message)
        status, headers, body = self._read_reply()
        elapsed = time.perf_counter_ns() - started
        if headers.get("connection", "").lower() == "close":
            self.close()
        return HttpReply(status, headers, body, elapsed)

    def post(self, payload):
        """Sends one request body (bytes); returns an HttpReply timed from just
        before the write to the arrival of the body's last byte."""
        return self._exchange(self.head + f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)

    def get(self, path):
        return self._exchange(f"GET {path} HTTP/1.1\r\nHost: {self.address[0]}:{self.address[1]}\r\n\r\n".encode())

    def request(self, method, params=None):
        request_id = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        return self.post(json.dumps(message, separators=(",", ":")).encode())
