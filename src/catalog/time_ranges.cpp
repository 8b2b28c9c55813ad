#include "catalog/time_ranges.h"

namespace fleetmcp::catalog {
namespace {

using nlohmann::json;

// Per relation, the readable column that leads a plain B-tree index (no
// predicate, no expression) and holds a time type; the lowest attnum wins.
constexpr const char* kIndexedTimeColumns = R"SQL(
SELECT DISTINCT ON (c.oid) c.oid::bigint, format('%I.%I', n.nspname, c.relname), a.attname::text, t.typname::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_index x ON x.indrelid = c.oid AND x.indpred IS NULL AND x.indkey[0] <> 0
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_am am ON am.oid = i.relam AND am.amname = 'btree'
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = x.indkey[0]
JOIN pg_type t ON t.oid = a.atttypid AND t.typname IN ('timestamptz', 'timestamp', 'date')
WHERE n.nspname = $1 AND c.relkind IN ('r', 'm') AND ($2::bigint = 0 OR c.oid = $2::bigint)
  AND NOT EXISTS (SELECT FROM pg_inherits h WHERE h.inhrelid = c.oid)
  AND has_column_privilege(c.oid, a.attnum, 'SELECT')
ORDER BY c.oid, a.attnum
)SQL";

struct Probe {
  unsigned oid;
  std::string relation;  // quoted schema.table
  std::string column;    // unquoted
  std::string type;
  std::string first_chunk_end, last_chunk_start;  // hypertables: only the edge chunks are read
};

// One row of the probe statement: oid, first, last as JSON text. A bound
// given as a literal lets the planner drop every other chunk before it plans
// them, so a hypertable's probe plans two chunks, not all of them.
std::string probe_select(pqxx::transaction_base& tx, const Probe& probe, bool restrict_to_edge_chunks) {
  const std::string column = tx.quote_name(probe.column);
  const std::string cast = "::" + probe.type;
  std::string first = "SELECT min(" + column + ") FROM " + probe.relation;
  std::string last = "SELECT max(" + column + ") FROM " + probe.relation;
  if (restrict_to_edge_chunks && !probe.first_chunk_end.empty()) {
    first += " WHERE " + column + " < " + tx.quote(probe.first_chunk_end) + cast;
    last += " WHERE " + column + " >= " + tx.quote(probe.last_chunk_start) + cast;
  }
  return "SELECT " + std::to_string(probe.oid) + "::bigint, to_json((" + first + "))::text, to_json((" + last +
         "))::text";
}

void run_probes(pqxx::transaction_base& tx, const std::vector<Probe>& probes, bool restrict_to_edge_chunks,
                std::map<unsigned, TimeRange>& ranges) {
  if (probes.empty()) return;
  std::string statement;
  for (const Probe& probe : probes)
    statement += (statement.empty() ? "" : " UNION ALL ") + probe_select(tx, probe, restrict_to_edge_chunks);
  for (const auto& row : tx.exec(statement, pqxx::params{})) {
    TimeRange& range = ranges[static_cast<unsigned>(row[0].as<long long>())];
    range.first = json::parse(row[1].c_str());
    range.last = json::parse(row[2].c_str());
  }
}

}  // namespace

json TimeRange::to_json() const {
  json out = {{"column", column}, {"first", first}, {"last", last}};
  if (from_chunk_bounds) out["from_chunk_bounds"] = true;
  return out;
}

std::map<unsigned, TimeRange> time_ranges_in(pqxx::transaction_base& tx, const std::string& schema,
                                             const std::map<unsigned, Hypertable>& hypertables,
                                             std::optional<unsigned> only_oid) {
  std::map<unsigned, TimeRange> ranges;
  std::vector<Probe> probes;
  // 0: every relation of the schema (no relation has oid 0).
  const pqxx::params params{schema, std::to_string(only_oid.value_or(0))};
  for (const auto& row : tx.exec(kIndexedTimeColumns, params)) {
    const unsigned oid = static_cast<unsigned>(row[0].as<long long>());
    auto hypertable = hypertables.find(oid);
    Probe probe{oid, row[1].c_str(), row[2].c_str(), row[3].c_str(), "", ""};
    if (hypertable != hypertables.end()) {
      // A hypertable is probed on its time column only, and only if an index leads with it.
      if (hypertable->second.time_column != probe.column) continue;
      // Chunk bounds are timestamptz: exact for a timestamptz column only. For
      // timestamp and date the whole index answers (still no scan).
      if (probe.type == "timestamptz") {
        probe.first_chunk_end = hypertable->second.first_chunk_end;
        probe.last_chunk_start = hypertable->second.last_chunk_start;
      }
    }
    ranges[oid].column = probe.column;
    probes.push_back(std::move(probe));
  }
  // Hypertables whose time column no index leads: the chunk bounds, said to be such.
  for (const auto& [oid, hypertable] : hypertables) {
    if ((only_oid && oid != *only_oid) || ranges.count(oid) > 0 || hypertable.chunks == 0) continue;
    ranges[oid] = TimeRange{hypertable.time_column, hypertable.first_chunk_start, hypertable.last_chunk_end, true};
  }
  run_probes(tx, probes, true, ranges);
  // An edge chunk can be empty (rows deleted): then the whole index answers.
  std::vector<Probe> again;
  for (const Probe& probe : probes)
    if (!probe.first_chunk_end.empty() && (ranges[probe.oid].first.is_null() || ranges[probe.oid].last.is_null()))
      again.push_back(probe);
  run_probes(tx, again, false, ranges);
  return ranges;
}

}  // namespace fleetmcp::catalog
