// TimescaleDB as the catalog tools must see it: which tables of a schema are
// hypertables (time column, chunk interval, chunks, compression) and which
// views are continuous aggregates. Read from timescaledb_information's
// documented views; empty when the extension is absent.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace fleetmcp::catalog {

struct Hypertable {
  std::string name;
  std::string time_column;       // the first (time) dimension
  std::string time_column_type;  // as query results name types: timestamptz, date, int8…
  std::string chunk_interval;    // "1 day", or an integer width for integer time
  long long chunks = 0;
  bool compression_enabled = false;
  long long compressed_chunks = 0;
  // The first chunk's end and the last chunk's start, as text the column's
  // type parses: the time range is then read from those two chunks only.
  std::string first_chunk_end, last_chunk_start;
  // The chunk bounds as JSON (ISO 8601), for when no index gives the exact range.
  nlohmann::json first_chunk_start = nullptr, last_chunk_end = nullptr;
  // Compressed chunks keep their rows out of the chunk tables, so only
  // TimescaleDB's own functions count them: set when compression is enabled.
  std::optional<long long> compressed_aware_rows, compressed_aware_bytes;

  // {"time_column", "time_column_type", "chunk_interval", "chunks", "compression"?}
  nlohmann::json summary() const;
};

struct ContinuousAggregate {
  std::string name;
  std::string source;  // "schema.hypertable" it aggregates
  bool materialized_only = false;
  unsigned materialization_oid = 0;  // the hypertable holding its rows
};

// True when the TimescaleDB extension is installed in this database.
bool timescaledb_present(pqxx::transaction_base& tx);

// What TimescaleDB holds in one schema, keyed by the relation's oid.
struct TimescaleSchema {
  std::map<unsigned, Hypertable> hypertables;
  std::map<unsigned, ContinuousAggregate> continuous_aggregates;
};

// Of `schema`, or of its one relation `only_name` when that is given. Empty
// maps when the extension is absent or holds nothing there: TimescaleDB's own
// catalog says so in a fraction of a millisecond, while its information
// views cost 5-15 ms a query, so they are read only where they have rows.
TimescaleSchema read_timescale_schema(pqxx::transaction_base& tx, const std::string& schema,
                                      const std::string& only_name = "");

}  // namespace fleetmcp::catalog
