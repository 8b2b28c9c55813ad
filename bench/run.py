#!/usr/bin/env python3
# Runs every workload against fleetmcp, the peer MCP servers and psql in one
# run, interleaving them call by call so that a busy machine slows all alike,
# and writes the raw figures as JSON for bench/report.py.
import argparse
import json
import os
import subprocess
import sys
import time

from machine import machine_facts
import memory
import subjects
import workloads


def machine(dsn):
    def ask(sql):
        return subprocess.run(["psql", "-X", "-A", "-t", dsn, "-c", sql], capture_output=True, text=True,
                              check=True).stdout.strip()

    return {
        **machine_facts(),
        "postgres": ask("SELECT split_part(version(), ' on ', 1)"),
        "postgis": ask("SELECT postgis_lib_version()"),
        "positions": int(ask("SELECT count(*) FROM tracksolid.positions")),
        "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip(),
    }


# After each start, time for the previous process's PostgreSQL backend to finish
# its teardown: started back to back, the next process's first reply waited on
# it (fleetmcp's: 6 ms spaced, 10-12 ms back to back on 2 cores).
SETTLE_BETWEEN_STARTS_S = 0.2


def measure_starts(servers, log_dir, repetitions):
    """Fresh processes: spawn → initialize answered, and → SELECT 1 answered."""
    figures = {server.name: {"start": [], "first_query": []} for server in servers}
    for _ in range(repetitions):
        for server in servers:
            session = server.start(os.path.join(log_dir, f"{server.name}.stderr"))
            session.run(workloads.SESSION[1])  # SELECT 1, which needs the connection
            figures[server.name]["start"].append(session.first_reply_ns / 1e6)
            figures[server.name]["first_query"].append(session.since_start_ns() / 1e6)
            session.close()
            time.sleep(SETTLE_BETWEEN_STARTS_S)
    return figures


def measure_session(servers, log_dir, session_workloads):
    sessions = {server.name: server.start(os.path.join(log_dir, f"{server.name}.stderr")) for server in servers}
    try:
        for session in sessions.values():
            session.run(workloads.SESSION[1])  # connect before anything is timed
        results = {"idle_rss_kib": {name: memory.peak_rss_kib(s.pid) for name, s in sessions.items()}}
        for workload in session_workloads:
            started = time.monotonic()
            figures = {}
            for name, session in sessions.items():
                memory.reset_peaks(session.pid)
                first, rows = session.run(workload, count_rows=True)  # warm-up, and proof of equal work
                if first is not None:
                    figures[name] = {"latency_ms": [], "response_bytes": first.response_bytes, "rows": rows}
            for _ in range(workload.repetitions):
                for name in figures:
                    measured, _ = sessions[name].run(workload)
                    figures[name]["latency_ms"].append(measured.latency_ns / 1e6)
            for name in figures:
                figures[name]["peak_rss_kib"] = memory.peak_rss_kib(sessions[name].pid)
            results[workload.key] = figures
            print(f"  {workload.label}: {time.monotonic() - started:.1f} s", file=sys.stderr)
        return results
    finally:
        for session in sessions.values():
            session.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dsn", required=True, help="the read-only role's DSN (analytics_ro)")
    parser.add_argument("--fleetmcp", required=True, help="the fleetmcp binary")
    parser.add_argument("--peers", required=True, help="bench/peers with node_modules installed")
    parser.add_argument("--out", required=True, help="directory for results.json and the servers' stderr")
    parser.add_argument("--quick", action="store_true", help="a third of the repetitions")
    parser.add_argument("--only", nargs="*", help="server names to run (default: all)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    if args.quick:
        workloads.scaled(workloads.ALL, 1 / 3)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "MCP_", "DATABASE_URL"))}
    servers = [
        subjects.fleetmcp(args.fleetmcp, args.dsn, env),
        subjects.server_postgres(args.peers, args.dsn, env),
        subjects.dbhub(args.peers, os.path.join(args.out, "dbhub.toml"), args.dsn, env),
        subjects.PsqlSubject(args.dsn, env),
    ]
    if args.only:
        servers = [server for server in servers if server.name in args.only]

    results = {"machine": machine(args.dsn), "servers": {s.name: {"kind": s.kind, "note": s.note} for s in servers},
               "workloads": {w.key: {"label": w.label, "repetitions": w.repetitions, "sql": w.sql}
                             for w in workloads.ALL}}
    print("starts", file=sys.stderr)
    results["starts"] = measure_starts(servers, args.out, workloads.START.repetitions)
    print("session workloads", file=sys.stderr)
    results["session"] = measure_session(servers, args.out, workloads.SESSION)
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]

    path = os.path.join(args.out, "results.json")
    with open(path, "w") as out:
        json.dump(results, out, indent=1)
    print(path)


if __name__ == "__main__":
    main()
