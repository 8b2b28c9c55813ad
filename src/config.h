// The one validated configuration value: environment variables first, then
// command-line flags over them. Everything else reads settings from here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fleetmcp {

struct Config {
  std::string database_url;                  // DATABASE_URL; empty → tools answer with a clear error
  std::vector<std::string> readable_schemas  // MCP_READABLE_SCHEMAS
      {"reporting", "tracksolid", "tickets", "fuel"};
  std::size_t default_rows = 1000;           // query max_rows when the call gives none
  std::size_t max_rows = 10000;              // MCP_MAX_ROWS: ceiling for max_rows
  std::size_t max_bytes = 1024 * 1024;       // MCP_MAX_BYTES: encoded result size cap
  std::size_t max_cell_bytes = 64 * 1024;    // MCP_MAX_CELL: longer cells are cut and flagged
  std::uint64_t max_cost = 100'000'000;         // MCP_MAX_COST: plans estimated dearer are refused
  std::uint64_t max_plan_rows = 1'000'000'000;  // MCP_MAX_PLAN_ROWS: any node estimated above is refused
  int statement_timeout_s = 30;              // MCP_STATEMENT_TIMEOUT: per query, caps timeout_s
  int connect_timeout_s = 10;                // MCP_CONNECT_TIMEOUT
  std::size_t pool_max = 8;                  // MCP_POOL_MAX: gateway child processes
  std::string auth_tokens;                   // MCP_AUTH_TOKENS: name:token,… (gateway)
  std::string caller;                        // MCP_CALLER / --caller; else the OS user
  std::string log_level = "info";            // MCP_LOG_LEVEL / --log-level
  std::string time_zone;                     // MCP_TIME_ZONE / --time-zone, e.g. Africa/Nairobi; empty: the database's
  std::string listen = "0.0.0.0:8892";       // MCP_LISTEN (gateway)
  std::string ssh;                           // MCP_SSH / --ssh user@host: tunnel through the system ssh
  std::string ssh_target = "timescale_db:5432";  // MCP_SSH_TARGET: the database as the ssh host sees it
  std::vector<std::string> ssh_options;      // --ssh-option Key=Value, passed to ssh as -o
  bool allow_unsafe_role = false;            // --allow-unsafe-role: serve even as a role that can write
  // The export tool (src/export/): files past the answer's caps.
  std::string export_dir;                    // MCP_EXPORT_DIR; empty: the user's data dir (export/export_store.h)
  std::size_t export_max_rows = 10'000'000;  // MCP_EXPORT_MAX_ROWS: most rows in one file
  std::uint64_t export_max_bytes = 2ull << 30;  // MCP_EXPORT_MAX_BYTES: largest file (2 GiB)
  int export_timeout_s = 600;                // MCP_EXPORT_TIMEOUT: seconds an export's statement may run
  std::int64_t export_ttl_s = 86'400;        // MCP_EXPORT_TTL (gateway): seconds a file is kept; stdio keeps them
  std::uint64_t export_quota_bytes = 10ull << 30;  // MCP_EXPORT_QUOTA: one analyst's files at once (stdio too)
  std::string public_url;                    // MCP_PUBLIC_URL (gateway): https://host as clients reach it, for download links and OAuth
  // Set for a gateway's children (serve --trusted-gateway-child): exports
  // are the gateway's to serve, kept for export_ttl_s, within the quota.
  bool serving_gateway = false;
  // Test code only (no variable or flag sets it): query skips the SQL guard so
  // the tests can show the wrapper, transaction and role layers hold alone.
  bool guard_disabled_for_tests = false;

  bool is_readable_schema(const std::string& schema) const;
  // TimescaleDB's _timescaledb_* schemas hold chunks and catalogs that the
  // hypertables already answer for: never readable, whatever is configured.
  // (timescaledb_information holds documented views and may be configured.)
  static bool is_internal_schema(const std::string& schema);
  std::string readable_schemas_text() const;  // "reporting, tracksolid, tickets, fuel"
};

// Thrown for a setting that cannot be used; the message names the variable/flag.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads the environment into `config` (throws ConfigError on bad values).
void load_environment(Config& config);

// Adds the flags that override the environment to a CLI11 (sub)command.
void add_config_flags(CLI::App& app, Config& config);

// Checks cross-field rules once all sources are applied (throws ConfigError).
void validate(Config& config);

// Splits "a, b,,c" into {"a","b","c"}.
std::vector<std::string> split_list(const std::string& text);

}  // namespace fleetmcp
