# What the benchmark asks every server, and how often: the same SQL for all of
# them, against the demo tracksolid_db at benchmark size (~1M positions).

NAIROBI_CBD = "ST_SetSRID(ST_MakePoint(36.8172, -1.2864), 4326)"


class Workload:
    def __init__(self, key, label, repetitions, sql=None, method=None):
        self.key = key
        self.label = label
        self.repetitions = repetitions
        self.sql = sql        # a query tool call (psql runs the same text)
        self.method = method  # or a bare MCP method


# Process start → first reply, and start → first query answered, measured on
# fresh processes; the rest on one long-lived process per server.
START = Workload("start", "start → first reply", 15)
FIRST_QUERY = Workload("first_query", "start → SELECT 1 answered", 15)

SESSION = [
    Workload("tools_list", "tools/list", 50, method="tools/list"),
    Workload("select_1", "SELECT 1", 50, sql="SELECT 1"),
    Workload("rows_1k", "1,000 rows of positions", 30,
             sql="SELECT * FROM tracksolid.positions ORDER BY ts LIMIT 1000"),
    Workload("rows_10k", "10,000 rows of positions", 15,
             sql="SELECT * FROM tracksolid.positions ORDER BY ts LIMIT 10000"),
    Workload("aggregate", "aggregate over all positions", 8,
             sql="SELECT device_id, count(*) AS fixes, round(avg(speed)::numeric, 2) AS avg_kmh, max(ts) AS last_fix "
                 "FROM tracksolid.positions GROUP BY device_id ORDER BY device_id"),
    Workload("postgis", "PostGIS: fixes within 500 m", 15,
             sql=f"SELECT device_id, ts, geom, round(ST_Distance(geom::geography, c.pt::geography)::numeric, 1) AS metres "
                 f"FROM tracksolid.positions, (SELECT {NAIROBI_CBD} AS pt) c "
                 f"WHERE geom && ST_Expand(c.pt, 0.005) AND ST_DWithin(geom::geography, c.pt::geography, 500) "
                 f"ORDER BY ts"),
    # Last, so its 20 MB stays out of the other workloads' figures.
    Workload("wide", "wide: 20 cells of 1 MB", 5,
             sql="SELECT g AS id, repeat('x', 1048576) AS body FROM generate_series(1, 20) g"),
]

ALL = [START, FIRST_QUERY] + SESSION


def scaled(workloads, factor):
    """Fewer repetitions for a quick look (--quick); never fewer than 3."""
    for workload in workloads:
        workload.repetitions = max(3, int(workload.repetitions * factor))
