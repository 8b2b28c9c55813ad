#!/usr/bin/env python3
# A bounded load run of `fleetmcp gateway` on loopback: the latency the gateway
# adds to a call against the same binary spoken to over stdio, and calls/s at
# 1, 8 and 64 concurrent clients, counting the 503s (each must carry
# Retry-After) that a full queue answers; then scale-out: two gateways of eight
# children each behind haproxy (round robin), 64 clients. A benchmark: it
# reports, it asserts nothing about time. Writes the raw figures as JSON for
# gateway_report.py.
import argparse
import json
import math
import os
import platform
import re
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time

import subjects
import workloads
from haproxy import Haproxy
from http_rpc import HttpRpcClient
from machine import commit, machine_facts
from processes import terminate

# The SQL of bench/workloads.py, so these figures sit beside the main table's.
LATENCY_WORKLOADS = {w.key: w for w in workloads.SESSION if w.key in ("tools_list", "select_1", "rows_1k")}
THROUGHPUT_WORKLOADS = ["select_1", "rows_1k"]
LEGACY_VERSION = "2025-11-25"


def percentile(samples, fraction):
    """Nearest-rank, as bench/report.py's p95."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else None


def summary_ms(samples_ns):
    samples = [s / 1e6 for s in samples_ns]
    return {"n": len(samples), "p50": statistics.median(samples) if samples else None,
            "p95": percentile(samples, 0.95)}


def call_params(workload):
    """The JSON-RPC method and params of a workload, as the stdio harness sends them."""
    if workload.method:
        return workload.method, None
    return "tools/call", {"name": "query", "arguments": {"sql": workload.sql, "max_rows": 10000}}


class Gateway:
    """`fleetmcp gateway` on a free loopback port, with one bench token."""

    def __init__(self, binary, env, log_path, pool, queue_max, token=None):
        self.token = token or secrets.token_urlsafe(24)
        gateway_env = dict(env, MCP_AUTH_TOKENS=f"bench:{self.token}", MCP_POOL_MAX=str(pool),
                           MCP_QUEUE_MAX=str(queue_max))
        self.pool, self.queue_max = pool, queue_max
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen([binary, "gateway", "--listen", "127.0.0.1:0"], env=gateway_env,
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 30
        while True:
            with open(log_path, "rb") as log:
                found = re.findall(rb"listening on http://127\.0\.0\.1:(\d+)/mcp", log.read())
            if found:
                self.port = int(found[-1])
                break
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the gateway did not start; see {log_path}")
            time.sleep(0.05)
        self._wait_for_children()

    def _wait_for_children(self):
        """Until /healthz says every child is alive, so no run times a child's start."""
        probe = HttpRpcClient("127.0.0.1", self.port, "/mcp", {})
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                reply = probe.get("/healthz")
                if reply.status == 200 and reply.json()["pool"]["alive"] == self.pool:
                    return
                time.sleep(0.1)
        finally:
            probe.close()
        raise RuntimeError("the gateway's children did not all come up")

    def client(self):
        return HttpRpcClient("127.0.0.1", self.port, "/mcp",
                             {"Authorization": f"Bearer {self.token}", "MCP-Protocol-Version": LEGACY_VERSION})

    def cpu_s(self):
        """The gateway process's own CPU time (its children not included)."""
        with open(f"/proc/{self.process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        terminate(self.process, 20)


class ProxiedGateways:
    """Several gateways with one token behind haproxy; load() sees them as one."""

    def __init__(self, binary, env, directory, count, pool, queue_max):
        token = secrets.token_urlsafe(24)
        self.gateways = []
        try:
            for index in range(count):
                self.gateways.append(Gateway(binary, env, os.path.join(directory, f"gateway-{index + 1}.stderr"),
                                             pool, queue_max, token))
            self.proxy = Haproxy([gateway.port for gateway in self.gateways], directory)
        except BaseException:
            self.stop()
            raise
        self.token = token
        self.pool, self.queue_max = f"{count} × {pool}", f"{count} × {queue_max}"

    def client(self):
        return HttpRpcClient("127.0.0.1", self.proxy.port, "/mcp",
                             {"Authorization": f"Bearer {self.token}", "MCP-Protocol-Version": LEGACY_VERSION})

    def cpu_s(self):
        return sum(gateway.cpu_s() for gateway in self.gateways)

    def stop(self):
        if getattr(self, "proxy", None) is not None:
            self.proxy.stop()
        for gateway in self.gateways:
            gateway.stop()


def checked(reply, what):
    """The reply's JSON-RPC result; raises on anything but a successful call."""
    if reply.status != 200:
        raise RuntimeError(f"{what}: HTTP {reply.status}: {reply.body[:300]!r}")
    response = reply.json()
    result = response.get("result")
    if result is None or result.get("isError"):
        raise RuntimeError(f"{what}: {json.dumps(response)[:300]}")
    return result


def measure_added_latency(stdio, client, repetitions_scale):
    """Sequential calls, stdio and gateway interleaved call by call, so a busy
    machine slows both alike. The gateway's added latency is the difference of
    the two medians (and of the two p95s)."""
    figures = {}
    for key, workload in LATENCY_WORKLOADS.items():
        method, params = call_params(workload)
        direct_first = stdio.child.request(method, params)
        via_first = client.request(method, params)
        checked(via_first, f"gateway {key}")
        direct, via = [], []
        repetitions = max(20, int(workload.repetitions * 4 * repetitions_scale))
        for _ in range(repetitions):
            latency_ns, _, response = stdio.child.request(method, params)
            if "result" not in response:
                raise RuntimeError(f"stdio {key}: {response}")
            direct.append(latency_ns)
            reply = client.request(method, params)
            checked(reply, f"gateway {key}")
            via.append(reply.latency_ns)
        d, v = summary_ms(direct), summary_ms(via)
        figures[key] = {"label": workload.label, "stdio": d, "gateway": v,
                        "added_p50_ms": v["p50"] - d["p50"], "added_p95_ms": v["p95"] - d["p95"],
                        "stdio_bytes": direct_first[1], "gateway_body_bytes": len(via_first.body)}
        print(f"  {workload.label}: stdio p50 {d['p50']:.3f} ms, gateway p50 {v['p50']:.3f} ms "
              f"(+{figures[key]['added_p50_ms']:.3f})", file=sys.stderr)
    return figures


def stdio_throughput(stdio, workload, seconds):
    """One client on one stdio process: the reference for a single gateway client."""
    method, params = call_params(workload)
    deadline = time.monotonic() + seconds
    started, calls = time.monotonic(), 0
    latencies = []
    while time.monotonic() < deadline:
        latency_ns, _, _ = stdio.child.request(method, params)
        latencies.append(latency_ns)
        calls += 1
    return {"calls": calls, "calls_per_s": calls / (time.monotonic() - started), "latency_ms": summary_ms(latencies)}


def load(gateway, workload, clients, seconds):
    """`clients` threads, each on its own connection, calling back to back for
    `seconds`. A 503 must carry Retry-After; the client then waits that long,
    as a well-behaved client would. Anything else that is not a result is an error."""
    method, params = call_params(workload)
    lock = threading.Lock()
    totals = {"ok": 0, "busy_503": 0, "busy_without_retry_after": 0, "errors": 0, "first_error": None}
    latencies = []
    start_gate = threading.Barrier(clients + 1)
    deadline_box = {}

    def run_client():
        client = gateway.client()
        mine, ok, busy, bad_busy, errors, first_error = [], 0, 0, 0, 0, None
        try:
            client.request("tools/list")  # connected before the clock starts
            start_gate.wait()
            while time.monotonic() < deadline_box["at"]:
                try:
                    reply = client.request(method, params)
                except (OSError, ConnectionError) as error:
                    errors += 1
                    first_error = first_error or repr(error)
                    client.close()
                    continue
                if reply.status == 503:
                    busy += 1
                    retry_after = reply.headers.get("retry-after")
                    if retry_after is None:
                        bad_busy += 1
                    time.sleep(float(retry_after or 1))
                    continue
                try:
                    checked(reply, workload.key)
                    ok += 1
                    mine.append(reply.latency_ns)
                except (RuntimeError, ValueError) as error:
                    errors += 1
                    first_error = first_error or str(error)
        finally:
            client.close()
            with lock:
                latencies.extend(mine)
                totals["ok"] += ok
                totals["busy_503"] += busy
                totals["busy_without_retry_after"] += bad_busy
                totals["errors"] += errors
                totals["first_error"] = totals["first_error"] or first_error

    threads = [threading.Thread(target=run_client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline_box["at"] = time.monotonic() + 3600  # set properly once all are connected
    start_gate.wait()
    cpu_before, gateway_cpu_before = resource.getrusage(resource.RUSAGE_SELF), gateway.cpu_s()
    started = time.monotonic()
    deadline_box["at"] = started + seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu_after, gateway_cpu_after = resource.getrusage(resource.RUSAGE_SELF), gateway.cpu_s()
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return dict(totals, clients=clients, seconds=elapsed, calls_per_s=totals["ok"] / elapsed,
                latency_ms=summary_ms(latencies), client_cpu_share=client_cpu / elapsed,
                gateway_cpu_ms_per_call=(gateway_cpu_after - gateway_cpu_before) * 1e3 / max(1, totals["ok"]),
                pool=gateway.pool, queue_max=gateway.queue_max)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True, help="the read-only role's DSN (analytics_ro)")
    parser.add_argument("--fleetmcp", required=True, help="the fleetmcp binary")
    parser.add_argument("--out", required=True, help="directory for gateway_results.json and the servers' stderr")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and shorter load runs")
    parser.add_argument("--pool", type=int, default=8, help="gateway children (MCP_POOL_MAX; default 8)")
    parser.add_argument("--seconds", type=float, default=8, help="length of each load run (default 8)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    scale, seconds = (1 / 3, args.seconds / 2) if args.quick else (1, args.seconds)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "MCP_", "DATABASE_URL"))}
    subject = subjects.fleetmcp(args.fleetmcp, args.dsn, env)
    results = {"machine": {**machine_facts(), "python": platform.python_version()}, "binary": args.fleetmcp, "commit": commit(), "pool": args.pool,
               "workloads": {key: {"label": w.label, "sql": w.sql, "method": w.method}
                             for key, w in LATENCY_WORKLOADS.items()}}

    default_queue = 4 * args.pool
    gateway = Gateway(args.fleetmcp, subject.env, os.path.join(args.out, "gateway.stderr"), args.pool, default_queue)
    stdio = subject.start(os.path.join(args.out, "fleetmcp-stdio.stderr"))
    try:
        load(gateway, LATENCY_WORKLOADS["select_1"], args.pool, 1.0)  # every child warm before timing
        client = gateway.client()
        print("added latency (sequential, interleaved with stdio)", file=sys.stderr)
        results["latency"] = measure_added_latency(stdio, client, scale)
        client.close()
        results["stdio_one_client"] = {key: stdio_throughput(stdio, LATENCY_WORKLOADS[key], seconds)
                                       for key in THROUGHPUT_WORKLOADS}
        print(f"throughput (pool {args.pool}, queue {default_queue})", file=sys.stderr)
        results["load"] = []
        for key in THROUGHPUT_WORKLOADS:
            for clients in (1, 8, 64):
                figures = load(gateway, LATENCY_WORKLOADS[key], clients, seconds)
                figures["workload"] = key
                results["load"].append(figures)
                print(f"  {key} × {clients}: {figures['calls_per_s']:.0f} calls/s, p50 "
                      f"{figures['latency_ms']['p50']:.2f} ms, 503s {figures['busy_503']}, errors {figures['errors']}",
                      file=sys.stderr)
    finally:
        stdio.close()
        gateway.stop()

    # The same 64 clients with a queue deep enough for all of them: no 503 expected.
    deep = Gateway(args.fleetmcp, subject.env, os.path.join(args.out, "gateway-deep-queue.stderr"), args.pool, 64)
    try:
        load(deep, LATENCY_WORKLOADS["select_1"], args.pool, 1.0)
        for key in THROUGHPUT_WORKLOADS:
            figures = load(deep, LATENCY_WORKLOADS[key], 64, seconds)
            figures["workload"] = key
            results["load"].append(figures)
            print(f"  {key} × 64, queue 64: {figures['calls_per_s']:.0f} calls/s, 503s {figures['busy_503']}",
                  file=sys.stderr)
    finally:
        deep.stop()

    # Scale-out: two gateways × the same pool behind haproxy, 64 clients, default queues.
    print(f"scale-out: 2 gateways × {args.pool} children behind haproxy", file=sys.stderr)
    results["scale_out"] = []
    proxied = ProxiedGateways(args.fleetmcp, subject.env, args.out, 2, args.pool, default_queue)
    try:
        load(proxied, LATENCY_WORKLOADS["select_1"], 2 * args.pool, 1.0)
        for key in THROUGHPUT_WORKLOADS:
            figures = load(proxied, LATENCY_WORKLOADS[key], 64, seconds)
            figures["workload"] = key
            results["scale_out"].append(figures)
            print(f"  {key} × 64 via haproxy: {figures['calls_per_s']:.0f} calls/s, p50 "
                  f"{figures['latency_ms']['p50']:.2f} ms, p95 {figures['latency_ms']['p95']:.2f} ms, "
                  f"503s {figures['busy_503']}, errors {figures['errors']}", file=sys.stderr)
    finally:
        proxied.stop()
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]

    path = os.path.join(args.out, "gateway_results.json")
    with open(path, "w") as out:
        json.dump(results, out, indent=1)
    print(path)
    failures = sum(run["errors"] + run["busy_without_retry_after"] for run in results["load"] + results["scale_out"])
    if failures:
        sys.exit(f"{failures} calls failed otherwise than with a 503 + Retry-After; see {path}")


if __name__ == "__main__":
    main()
