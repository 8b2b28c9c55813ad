#!/usr/bin/env python3
"""Export of the benchmark database's positions (~1M rows) to CSV: fleetmcp's
export tool over stdio against psql --csv and psql running COPY … TO STDOUT,
interleaved in one run. Each run: wall time, peak RSS (the process's own
high-water mark, VmHWM: wait4's ru_maxrss would count the Python process it
was forked from), the file's bytes and SHA-256 (all three must
agree: psql in fleetmcp's session settings). Prints the results as JSON."""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time

from machine import binary_kind, commit, machine_facts
from stdio_rpc import RpcChild

ZONE = "Africa/Nairobi"
SQL = "SELECT * FROM tracksolid.positions ORDER BY device_id, ts"
PG_SETTINGS = "-c IntervalStyle=iso_8601 -c DateStyle=ISO"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def vm_hwm_kib(pid):
    """The process's peak RSS so far (it only grows), or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def run_psql(dsn, args, out_path):
    """psql writing to out_path; returns (seconds, peak RSS KiB), the peak
    sampled every 2 ms until psql exits (VmHWM keeps the maximum)."""
    env = dict(os.environ, PGTZ=ZONE, PGOPTIONS=PG_SETTINGS)
    started = time.perf_counter()
    peak = 0
    with open(out_path, "wb") as out:
        process = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", *args, dsn], stdout=out, env=env)
        while process.poll() is None:
            peak = max(peak, vm_hwm_kib(process.pid) or 0)
            time.sleep(0.002)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"psql {args} failed")
    return elapsed, peak


def run_fleetmcp(binary, dsn, export_dir, stderr_path):
    """One export call on a fresh server; returns (seconds, peak RSS KiB, answer)."""
    env = dict(os.environ, DATABASE_URL=dsn, MCP_TIME_ZONE=ZONE, MCP_EXPORT_DIR=export_dir, MCP_LOG_LEVEL="warn")
    child = RpcChild([binary], env, stderr_path)
    child.request("initialize", {"protocolVersion": "2025-11-25", "capabilities": {},
                                 "clientInfo": {"name": "export-bench", "version": "1"}})
    child.notify("notifications/initialized")
    # Connected and warm, as an analyst's server is when they ask for an export.
    child.request("tools/call", {"name": "query", "arguments": {"sql": "SELECT 1"}})
    latency_ns, _, response = child.request(
        "tools/call", {"name": "export", "arguments": {"sql": SQL, "allow_expensive": True}}, timeout_s=600)
    peak = vm_hwm_kib(child.pid)  # still running: exact
    child.process.stdin.close()
    child.process.wait()
    result = response["result"]
    if result.get("isError"):
        raise RuntimeError("export failed: " + result["content"][0]["text"])
    return latency_ns / 1e9, peak, json.loads(result["content"][0]["text"])


def median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--fleetmcp", required=True)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="fleetmcp-export-bench-")
    try:
        export_dir = os.path.join(work, "exports")
        subjects = {"fleetmcp export": [], "psql --csv": [], "psql COPY TO STDOUT": []}
        digests = {}
        rows = None
        for _ in range(args.repetitions):  # interleaved: the machine's noise falls on all three alike
            seconds, rss, answer = run_fleetmcp(args.fleetmcp, args.dsn, export_dir, os.path.join(work, "stderr.log"))
            rows = answer["rows"]
            digests["fleetmcp export"] = answer["sha256"]
            subjects["fleetmcp export"].append({"seconds": seconds, "peak_rss_kib": rss, "bytes": answer["bytes"]})
            os.remove(answer["path"])
            for name, psql_args in (("psql --csv", ["--csv", "-c", SQL]),
                                    ("psql COPY TO STDOUT", ["-c", f"COPY ({SQL}) TO STDOUT WITH (FORMAT csv, HEADER)"])):
                out = os.path.join(work, "out.csv")
                seconds, rss = run_psql(args.dsn, psql_args, out)
                digests[name] = sha256_of(out)
                subjects[name].append({"seconds": seconds, "peak_rss_kib": rss, "bytes": os.path.getsize(out)})
                os.remove(out)
        psql_seconds = median([run["seconds"] for run in subjects["psql --csv"]])
        summary = {}
        for name, runs in subjects.items():
            seconds = median([run["seconds"] for run in runs])
            summary[name] = {"median_seconds": round(seconds, 3),
                             "ratio_to_psql_csv": round(seconds / psql_seconds, 2),
                             "peak_rss_mib": round(max(run["peak_rss_kib"] for run in runs) / 1024, 1),
                             "bytes": runs[0]["bytes"], "sha256": digests[name], "runs": runs}
        print(json.dumps({"machine": machine_facts(), "commit": commit(), "binary": binary_kind(args.fleetmcp),
                          "rows": rows, "sql": SQL, "repetitions": args.repetitions,
                          "same_bytes": len(set(digests.values())) == 1, "subjects": summary}, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
