#include "tools/instructions.h"

namespace fleetmcp::tools {
namespace {

std::string time_zone_paragraph(const Config& config, const db::DatabaseFacts& facts) {
  if (!config.time_zone.empty())
    return "Time zone: every query runs with TimeZone " + config.time_zone +
           " (the business's zone, set by the operator): timestamptz values come back with their offset in that "
           "zone, and ::date, date_trunc('day', …) and extract(hour …) count " +
           config.time_zone + " days and hours. Each query result names the zone in time_zone.";
  const std::string zone = facts.known ? facts.time_zone : "not known yet: the database was not reachable at start";
  return "Time zone: the database's own setting (" + zone +
         "; MCP_TIME_ZONE is not set). ::date and date_trunc('day', …) count days in that zone; if the business "
         "counts days in another, convert first, e.g. (ts AT TIME ZONE 'Africa/Nairobi')::date. Each query "
         "result names the zone in time_zone.";
}

std::string timescaledb_paragraph(const db::DatabaseFacts& facts) {
  if (!facts.known) return "";
  if (!facts.has_timescaledb())
    return "\nTimescaleDB is not installed in this database: group by time with date_trunc('hour', ts) or "
           "date_bin('15 minutes', ts, timestamptz '2000-01-01').";
  const std::string edition =
      facts.timescale_edition()
          ? "Timescale edition: compression, continuous aggregates and time_bucket_gapfill are available"
          : "Apache edition: no compression, no continuous aggregates, no time_bucket_gapfill";
  return "\nTimescaleDB " + facts.timescaledb_version + " (" + edition +
         ") is installed. Hypertables (kind \"hypertable\" in list_tables) are stored in time chunks: always "
         "filter them on their time column so that only the chunks needed are read. Worth using: "
         "time_bucket('15 minutes', ts) to group by any width of time — it buckets in UTC unless given a zone, "
         "so for business days write time_bucket('1 day', ts, 'Africa/Nairobi'); first(value, ts) and "
         "last(value, ts) for the earliest and latest value per group; approximate_row_count('schema.table') "
         "for a fast row count of a hypertable.";
}

}  // namespace

std::string server_instructions(const Config& config) {
  return "fleetmcp answers questions about the fleet database tracksolid_db (PostgreSQL + PostGIS) through "
         "read-only SQL.\n"
         "Readable schemas: " +
         config.readable_schemas_text() +
         ". reporting holds analyst-ready views (e.g. v_daily_summary, the materialized view v_trips, "
         "v_monthly_cost_centre) and fn_* functions; tracksolid holds raw telemetry (devices, positions with "
         "PostGIS points, events); tickets holds INC/CRQ tickets with geometry; fuel holds fuel records.\n"
         "How to work: list_schemas → list_tables(schema) → describe_table(schema, table) (columns, types, keys, "
         "indexes) → query(sql). list_functions shows callable reporting functions; sample_table shows a few rows. "
         "To show a result as a chart, call chart with the same sql and a mark (bar, line, area, scatter, map) "
         "with x and y, or a Vega-Lite spec. When the user wants the rows themselves as a file (CSV, JSON Lines), "
         "call export with the sql: it writes every row past query's caps and answers with the file's path or "
         "download link; do not page through rows with query for that.\n"
         "Writing good queries: prefer the reporting views over raw telemetry; always qualify names with the "
         "schema; filter large tables (tracksolid.positions) on their time column and indexed keys; aggregate in "
         "SQL instead of fetching many rows; use LIMIT. A query returns at most " +
         std::to_string(config.default_rows) + " rows by default (max_rows up to " + std::to_string(config.max_rows) +
         ") and stops after " + std::to_string(config.statement_timeout_s) +
         " s; truncated=true means more rows existed. Results are {columns, rows (arrays in column order), "
         "row_count, truncated}. Geometry comes back as GeoJSON; use ST_* functions in SQL for distances/areas "
         "(cast to geography for metres).\n"
         "Only one read-only statement per call: writes, DDL, several statements, SELECT INTO and locking clauses "
         "are refused, and errors say what to change.";
}


std::string database_instructions(const Config& config, const db::DatabaseFacts& facts) {
  return time_zone_paragraph(config, facts) + timescaledb_paragraph(facts) +
         "\nData freshness: now() is the real current time, not the end of the data. Before asking for a recent "
         "period (\"the last 30 days\", \"this month\"), look at time_range {first, last} in list_tables or "
         "describe_table to see where each time series ends, and say so if the period holds no data.";
}

}  // namespace fleetmcp::tools
