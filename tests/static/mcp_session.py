#!/usr/bin/env python3
"""One MCP stdio session against a fleetmcp command, for the static-binary tests.

Usage: mcp_session.py SQL -- COMMAND...   (COMMAND gets exactly the environment
this script has). Runs initialize, tools/list and tools/call query SQL, one
request at a time; prints the query's first row as JSON and the milliseconds
from start to the initialize answer; exits 1 with the reason on failure.
"""
import json
import subprocess
import sys
import time


def main():
    split = sys.argv.index("--")
    sql, command = sys.argv[1], sys.argv[split + 1:]
    started = time.monotonic()
    server = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)

    def request(ident, method, params):
        server.stdin.write(json.dumps({"jsonrpc": "2.0", "id": ident, "method": method, "params": params}) + "\n")
        server.stdin.flush()
        line = server.stdout.readline()
        if not line:
            fail(f"no answer to {method}")
        answer = json.loads(line)
        if "error" in answer:
            fail(f"{method} failed: {answer['error']}")
        return answer["result"]

    def fail(reason):
        server.kill()
        sys.stderr.write(f"mcp_session: {reason}\n--- server stderr ---\n{server.stderr.read()}\n")
        sys.exit(1)

    init = request(1, "initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                     "clientInfo": {"name": "static-test", "version": "1"}})
    answered_ms = (time.monotonic() - started) * 1000
    if init["serverInfo"]["name"] != "fleetmcp":
        fail(f"unexpected serverInfo {init['serverInfo']}")
    server.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    names = [tool["name"] for tool in request(2, "tools/list", {})["tools"]]
    if "query" not in names:
        fail(f"no query tool in {names}")
    result = request(3, "tools/call", {"name": "query", "arguments": {"sql": sql}})
    if result.get("isError"):
        fail(f"query failed: {result['content']}")
    rows = json.loads(result["content"][0]["text"])["rows"]
    server.stdin.close()
    server.wait(timeout=30)
    print(json.dumps(rows[0]))
    print(f"initialize answered in {answered_ms:.0f} ms", file=sys.stderr)


main()
