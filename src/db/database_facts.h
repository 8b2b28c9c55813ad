// What fleetmcp learns about the database once per connection, for the
// model's instructions, the catalog tools and the query results: the server
// version, TimescaleDB's version and edition, and the session time zone.
#pragma once

#include <string>

#include <pqxx/pqxx>

namespace fleetmcp::db {

struct DatabaseFacts {
  bool known = false;               // false until a connection has been made
  int server_version_num = 0;       // e.g. 160004
  std::string timescaledb_version;  // e.g. "2.19.3"; empty when the extension is absent
  std::string timescaledb_license;  // "apache" (no compression, continuous aggregates) or "timescale"
  std::string time_zone;            // the TimeZone every fleetmcp transaction runs in

  bool has_timescaledb() const { return !timescaledb_version.empty(); }
  // Compression, continuous aggregates and time_bucket_gapfill come only with the Timescale licence.
  bool timescale_edition() const { return timescaledb_license == "timescale"; }
};

// The configured MCP_TIME_ZONE is not one PostgreSQL accepts.
struct UnknownTimeZone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the facts on a fresh connection. With a configured time zone it is
// checked here, once per connection (a rolled-back set_config, so nothing is
// left behind); an unknown zone throws UnknownTimeZone naming close matches
// from pg_timezone_names.
DatabaseFacts read_database_facts(pqxx::connection& connection, const std::string& configured_time_zone);

}  // namespace fleetmcp::db
