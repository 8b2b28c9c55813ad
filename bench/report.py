#!/usr/bin/env python3
# Turns bench/run.py's results.json into the tables of docs/BENCHMARKS.md (the
# part between the bench:results markers) and an SVG chart, both from one run.
import argparse
import json
import math
import re
import statistics

SERVERS = ["fleetmcp", "server-postgres", "dbhub", "psql"]
PEERS = ["server-postgres", "dbhub"]
COLOURS = {"fleetmcp": "#1b7f3b", "server-postgres": "#4a6fa5", "dbhub": "#a55a4a", "psql": "#888888"}
BEGIN, END = "<!-- bench:results:begin -->", "<!-- bench:results:end -->"


def p95(samples):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def figures(results):
    """workload key → server → {median, p95, bytes, rss_kib}."""
    table = {}
    for key in ("start", "first_query"):
        table[key] = {name: {"median": statistics.median(v[key]), "p95": p95(v[key])}
                      for name, v in results["starts"].items()}
    for key, per_server in results["session"].items():
        if key == "idle_rss_kib":
            continue
        table[key] = {name: {"median": statistics.median(v["latency_ms"]), "p95": p95(v["latency_ms"]),
                             "bytes": v["response_bytes"], "rss_kib": v["peak_rss_kib"], "rows": v["rows"]}
                      for name, v in per_server.items()}
    return table


def ratio(mine, others):
    others = [value for value in others if value]
    return mine / min(others) if mine is not None and others else None


def fmt_ratio(value):
    return "–" if value is None else f"{value:.2f}×" if value >= 0.095 else f"1/{1 / value:.0f}"


def fmt_ms(value):
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def latency_table(results, table):
    servers = [s for s in SERVERS if s in results["servers"]]
    lines = ["| workload | " + " | ".join(f"{s} p50 / p95 ms" for s in servers) +
             " | fleetmcp ÷ best peer | fleetmcp ÷ psql |",
             "|---" * (len(servers) + 3) + "|"]
    for key, row in table.items():
        cells = [f"{fmt_ms(row[s]['median'])} / {fmt_ms(row[s]['p95'])}" if s in row else "–" for s in servers]
        mine = row.get("fleetmcp", {}).get("median")
        best_peer = ratio(mine, [row[p]["median"] for p in PEERS if p in row])
        floor = ratio(mine, [row["psql"]["median"]] if "psql" in row else [])
        lines.append(f"| {results['workloads'][key]['label']} | " + " | ".join(cells) +
                     f" | {fmt_ratio(best_peer)} | {fmt_ratio(floor)} |")
    return "\n".join(lines)


def size_table(results, table):
    servers = [s for s in SERVERS if s in results["servers"]]
    lines = ["| workload | rows | " + " | ".join(f"{s} bytes" for s in servers) +
             " | fleetmcp ÷ best peer | " + " | ".join(f"{s} peak RSS MiB" for s in servers) + " |",
             "|---" * (2 * len(servers) + 3) + "|"]
    idle = results["session"]["idle_rss_kib"]
    lines.append("| idle, after connecting | – | " + " | ".join("–" for _ in servers) + " | – | " +
                 " | ".join(f"{idle[s] / 1024:.1f}" for s in servers) + " |")
    for key, row in table.items():
        if "bytes" not in next(iter(row.values())):
            continue
        rows = row.get("fleetmcp", next(iter(row.values()))).get("rows")
        mine = row.get("fleetmcp", {}).get("bytes")
        best_peer = ratio(mine, [row[p]["bytes"] for p in PEERS if p in row])
        lines.append(f"| {results['workloads'][key]['label']} | {rows if rows is not None else '–'} | " +
                     " | ".join(f"{row[s]['bytes']:,}" if s in row else "–" for s in servers) +
                     f" | {fmt_ratio(best_peer)} | " +
                     " | ".join(f"{row[s]['rss_kib'] / 1024:.1f}" if s in row else "–" for s in servers) + " |")
    return "\n".join(lines)


def targets(results, table):
    """The issue's targets, each with its figure and whether this run met it."""
    def best(key, field):
        return min(table[key][p][field] for p in PEERS if p in table[key])

    fleet = {key: row.get("fleetmcp") for key, row in table.items()}
    psql = lambda key: table[key]["psql"]["median"]
    start = fleet["start"]["median"] / best("start", "median")
    rows_10k = fleet["rows_10k"]["median"] / psql("rows_10k")
    rows_10k_peer = fleet["rows_10k"]["median"] / best("rows_10k", "median")
    rows_1k = fleet["rows_1k"]["median"] / psql("rows_1k")
    aggregate = fleet["aggregate"]["median"] / psql("aggregate")
    size = fleet["rows_10k"]["bytes"] / best("rows_10k", "bytes")
    size_1k = fleet["rows_1k"]["bytes"] / best("rows_1k", "bytes")
    rss_typical = max(fleet[key]["rss_kib"] for key in table if key not in ("start", "first_query", "wide")) / 1024
    rss_wide = fleet["wide"]["rss_kib"] / 1024
    idle = results["session"]["idle_rss_kib"]["fleetmcp"] / 1024
    verdict = lambda ok: "**met**" if ok else "**missed**"
    return "\n".join([
        "| target | figure | |", "|---|---|---|",
        f"| start ≤ 1/30 of the best peer | {fleet['start']['median']:.1f} ms vs {best('start', 'median'):.0f} ms "
        f"= {fmt_ratio(start)} | {verdict(start <= 1 / 30)} |",
        f"| aggregate over all positions ≤ 1.05× psql | {fleet['aggregate']['median']:.0f} ms vs "
        f"{psql('aggregate'):.0f} ms = {aggregate:.2f}× | {verdict(aggregate <= 1.05)} |",
        f"| 10,000 rows ≤ 1.3× psql | {fleet['rows_10k']['median']:.1f} ms vs {psql('rows_10k'):.1f} ms "
        f"= {rows_10k:.2f}× | {verdict(rows_10k <= 1.3)} |",
        f"| 10,000 rows ≥ 4× faster than the best peer | {fleet['rows_10k']['median']:.1f} ms vs "
        f"{best('rows_10k', 'median'):.0f} ms = 1/{1 / rows_10k_peer:.1f} | {verdict(rows_10k_peer <= 0.25)} |",
        f"| 1,000 rows ≤ 1.5× psql | {fleet['rows_1k']['median']:.1f} ms vs {psql('rows_1k'):.1f} ms "
        f"= {rows_1k:.2f}× | {verdict(rows_1k <= 1.5)} |",
        f"| response bytes ≤ 0.5× best peer, column types kept | 10,000 rows: {size:.2f}×; 1,000 rows: {size_1k:.2f}× "
        f"| {verdict(size <= 0.5 and size_1k <= 0.5)} |",
        f"| peak RSS ≤ 12 MB | idle {idle:.1f} MiB; up to 10,000 rows {rss_typical:.1f} MiB; "
        f"wide (20 MB result) {rss_wide:.1f} MiB | {verdict(rss_typical <= 12)} |",
    ])


def chart(results, table, path):
    """Median latency per workload and server, log scale, as a plain SVG."""
    servers = [s for s in SERVERS if s in results["servers"]]
    keys = list(table)
    bar, gap, left, width = 11, 14, 230, 520
    height = 60 + len(keys) * (len(servers) * bar + gap) + 40
    top = max(v["median"] for row in table.values() for v in row.values())
    low = 0.5
    scale = lambda ms: width * (math.log10(max(ms, low)) - math.log10(low)) / (math.log10(top * 1.2) - math.log10(low))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 140}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="20" font-size="14" font-weight="bold">Median latency per call, ms (log scale) — '
           f'{results["machine"]["date"]}, {results["machine"]["nproc"]} × {results["machine"]["cpu"]}</text>']
    for tick in (1, 10, 100, 1000, 10000):
        if tick <= top * 1.2:
            x = left + scale(tick)
            out.append(f'<line x1="{x:.1f}" y1="35" x2="{x:.1f}" y2="{height - 35}" stroke="#ddd"/>')
            out.append(f'<text x="{x:.1f}" y="{height - 22}" text-anchor="middle">{tick:,}</text>')
    y = 45
    for key in keys:
        out.append(f'<text x="{left - 8}" y="{y + len(servers) * bar / 2 + 4:.1f}" text-anchor="end">'
                   f'{results["workloads"][key]["label"]}</text>')
        for server in servers:
            if server in table[key]:
                ms = table[key][server]["median"]
                out.append(f'<rect x="{left}" y="{y}" width="{max(scale(ms), 1):.1f}" height="{bar - 2}" '
                           f'fill="{COLOURS[server]}"/>')
                out.append(f'<text x="{left + max(scale(ms), 1) + 4:.1f}" y="{y + bar - 3}" font-size="9">'
                           f'{fmt_ms(ms)}</text>')
            y += bar
        y += gap
    for i, server in enumerate(servers):
        out.append(f'<rect x="{left + i * 130}" y="{height - 14}" width="10" height="10" fill="{COLOURS[server]}"/>')
        out.append(f'<text x="{left + i * 130 + 14}" y="{height - 5}">{server}</text>')
    out.append("</svg>")
    with open(path, "w") as svg:
        svg.write("\n".join(out) + "\n")


def section(results, table, chart_name):
    machine = results["machine"]
    servers = "\n".join(f"- **{name}**: {info['note']}" for name, info in results["servers"].items())
    return f"""{BEGIN}
<!-- Generated by scripts/bench (bench/report.py) from one run; do not edit by hand. -->
Run of {machine['date']} on {machine['nproc']} × {machine['cpu']} (Linux {machine['kernel']}, load average
{machine['load_average_at_start']:.1f} at start, {machine['load_average_at_end']:.1f} at end), {machine['postgres']},
PostGIS {machine['postgis']}, {machine['positions']:,} positions, node {machine['node']}.

{servers}

![median latency per workload](benchmarks.svg)

### Latency (ms; start figures on fresh processes, the rest on one warm process per server)

{latency_table(results, table)}

### Response size and memory

{size_table(results, table)}

### Targets

{targets(results, table)}
{END}"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--doc", required=True, help="docs/BENCHMARKS.md; the marked section is replaced")
    parser.add_argument("--chart", required=True, help="where the SVG goes (next to the doc)")
    args = parser.parse_args()
    with open(args.results) as source:
        results = json.load(source)
    table = figures(results)
    chart(results, table, args.chart)
    with open(args.doc) as doc:
        text = doc.read()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{args.doc} has no {BEGIN} … {END} section to replace")
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: section(results, table, args.chart), text,
                  flags=re.S)
    with open(args.doc, "w") as doc:
        doc.write(text)


if __name__ == "__main__":
    main()
