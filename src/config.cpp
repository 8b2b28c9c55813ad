#include "config.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include <CLI/CLI.hpp>

namespace fleetmcp {
namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string{value};
}

template <typename Number>
Number parse_positive(const std::string& text, const char* name) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value <= 0)
    throw ConfigError(std::string{name} + " must be a positive whole number, got '" + text + "'");
  return value;
}

std::string os_user() {
  if (auto user = env("USER")) return *user;
  if (const passwd* entry = getpwuid(geteuid()); entry != nullptr) return entry->pw_name;
  return "unknown";
}

}  // namespace

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    auto first = item.find_first_not_of(" \t");
    auto last = item.find_last_not_of(" \t");
    if (first != std::string::npos) items.push_back(item.substr(first, last - first + 1));
    start = comma + 1;
  }
  return items;
}

bool Config::is_internal_schema(const std::string& schema) { return schema.rfind("_timescaledb", 0) == 0; }

bool Config::is_readable_schema(const std::string& schema) const {
  return std::find(readable_schemas.begin(), readable_schemas.end(), schema) != readable_schemas.end();
}

std::string Config::readable_schemas_text() const {
  std::string text;
  for (const auto& schema : readable_schemas) text += (text.empty() ? "" : ", ") + schema;
  return text;
}

void load_environment(Config& config) {
  if (auto v = env("DATABASE_URL")) config.database_url = *v;
  if (auto v = env("MCP_READABLE_SCHEMAS")) config.readable_schemas = split_list(*v);
  if (auto v = env("MCP_MAX_ROWS")) config.max_rows = parse_positive<std::size_t>(*v, "MCP_MAX_ROWS");
  if (auto v = env("MCP_MAX_BYTES")) config.max_bytes = parse_positive<std::size_t>(*v, "MCP_MAX_BYTES");
  if (auto v = env("MCP_MAX_CELL")) config.max_cell_bytes = parse_positive<std::size_t>(*v, "MCP_MAX_CELL");
  if (auto v = env("MCP_MAX_COST")) config.max_cost = parse_positive<std::uint64_t>(*v, "MCP_MAX_COST");
  if (auto v = env("MCP_MAX_PLAN_ROWS"))
    config.max_plan_rows = parse_positive<std::uint64_t>(*v, "MCP_MAX_PLAN_ROWS");
  if (auto v = env("MCP_STATEMENT_TIMEOUT"))
    config.statement_timeout_s = parse_positive<int>(*v, "MCP_STATEMENT_TIMEOUT");
  if (auto v = env("MCP_CONNECT_TIMEOUT")) config.connect_timeout_s = parse_positive<int>(*v, "MCP_CONNECT_TIMEOUT");
  if (auto v = env("MCP_POOL_MAX")) config.pool_max = parse_positive<std::size_t>(*v, "MCP_POOL_MAX");
  if (auto v = env("MCP_AUTH_TOKENS")) config.auth_tokens = *v;
  if (auto v = env("MCP_CALLER")) config.caller = *v;
  if (auto v = env("MCP_LOG_LEVEL")) config.log_level = *v;
  if (auto v = env("MCP_TIME_ZONE")) config.time_zone = *v;
  if (auto v = env("MCP_LISTEN")) config.listen = *v;
  if (auto v = env("MCP_SSH")) config.ssh = *v;
  if (auto v = env("MCP_SSH_TARGET")) config.ssh_target = *v;
  if (auto v = env("MCP_EXPORT_DIR")) config.export_dir = *v;
  if (auto v = env("MCP_EXPORT_MAX_ROWS"))
    config.export_max_rows = parse_positive<std::size_t>(*v, "MCP_EXPORT_MAX_ROWS");
  if (auto v = env("MCP_EXPORT_MAX_BYTES"))
    config.export_max_bytes = parse_positive<std::uint64_t>(*v, "MCP_EXPORT_MAX_BYTES");
  if (auto v = env("MCP_EXPORT_TIMEOUT")) config.export_timeout_s = parse_positive<int>(*v, "MCP_EXPORT_TIMEOUT");
  if (auto v = env("MCP_EXPORT_TTL")) config.export_ttl_s = parse_positive<std::int64_t>(*v, "MCP_EXPORT_TTL");
  if (auto v = env("MCP_EXPORT_QUOTA"))
    config.export_quota_bytes = parse_positive<std::uint64_t>(*v, "MCP_EXPORT_QUOTA");
  if (auto v = env("MCP_PUBLIC_URL")) config.public_url = *v;
}

void add_config_flags(CLI::App& app, Config& config) {
  app.add_option("--database-url", config.database_url,
                 "PostgreSQL DSN of the read-only role (env DATABASE_URL)");
  app.add_option_function<std::string>(
         "--readable-schemas", [&config](const std::string& v) { config.readable_schemas = split_list(v); },
         "Comma-separated schemas the tools may show (env MCP_READABLE_SCHEMAS; default "
         "reporting,tracksolid,tickets,fuel)");
  app.add_option("--max-rows", config.max_rows, "Ceiling for a query's max_rows (env MCP_MAX_ROWS; default 10000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-bytes", config.max_bytes, "Cap on a result's encoded bytes (env MCP_MAX_BYTES; default 1 MiB)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-cell", config.max_cell_bytes,
                 "Cells longer than this many bytes are cut (env MCP_MAX_CELL; default 65536)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-cost", config.max_cost,
                 "Refuse a query whose plan's estimated total cost is above this, unless allow_expensive "
                 "(env MCP_MAX_COST; default 100000000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-plan-rows", config.max_plan_rows,
                 "Refuse a query with a plan node estimated above this many rows, unless allow_expensive "
                 "(env MCP_MAX_PLAN_ROWS; default 1000000000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--statement-timeout", config.statement_timeout_s,
                 "Seconds a query may run (env MCP_STATEMENT_TIMEOUT; default 30)")
      ->check(CLI::PositiveNumber);
  app.add_option("--connect-timeout", config.connect_timeout_s,
                 "Seconds to wait for the database connection (env MCP_CONNECT_TIMEOUT; default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--pool-max", config.pool_max, "Gateway: child processes (env MCP_POOL_MAX; default 8)")
      ->check(CLI::PositiveNumber);
  app.add_option("--caller", config.caller, "Name written in audit lines (env MCP_CALLER; default the OS user)");
  app.add_option("--time-zone", config.time_zone,
                 "Time zone of timestamps and ::date in every query, e.g. Africa/Nairobi (env MCP_TIME_ZONE; default "
                 "the database's own TimeZone)");
  app.add_option("--log-level", config.log_level, "trace|debug|info|warn|error|off (env MCP_LOG_LEVEL)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--ssh", config.ssh,
                 "Reach the database through `ssh -N -L` to this user@host (env MCP_SSH); DATABASE_URL's host and "
                 "port are replaced by the tunnel's");
  app.add_option("--ssh-target", config.ssh_target,
                 "With --ssh: the database's host:port as the ssh host sees it (env MCP_SSH_TARGET; default "
                 "timescale_db:5432)");
  app.add_option("--ssh-option", config.ssh_options, "With --ssh: an extra ssh option Key=Value (repeatable)");
  app.add_option("--export-dir", config.export_dir,
                 "Directory the export tool writes files into, created 0700 (env MCP_EXPORT_DIR; default "
                 "~/.local/share/fleetmcp/exports)");
  app.add_option("--export-max-rows", config.export_max_rows,
                 "Most rows in one export file (env MCP_EXPORT_MAX_ROWS; default 10000000)")
      ->check(CLI::PositiveNumber);
  app.add_option("--export-max-bytes", config.export_max_bytes,
                 "Largest export file in bytes (env MCP_EXPORT_MAX_BYTES; default 2 GiB)")
      ->check(CLI::PositiveNumber);
  app.add_option("--export-timeout", config.export_timeout_s,
                 "Seconds an export's statement may run (env MCP_EXPORT_TIMEOUT; default 600)")
      ->check(CLI::PositiveNumber);
  app.add_option("--export-ttl", config.export_ttl_s,
                 "Gateway: seconds an export file is kept before it is deleted (env MCP_EXPORT_TTL; default 86400)")
      ->check(CLI::PositiveNumber);
  app.add_option("--export-quota", config.export_quota_bytes,
                 "Bytes of (unexpired) export files one analyst may hold (env MCP_EXPORT_QUOTA; default 10 GiB)")
      ->check(CLI::PositiveNumber);
  app.add_option("--public-url", config.public_url,
                 "Gateway: its base URL as clients reach it, e.g. https://fleetmcp.example.com, for download links "
                 "and the OAuth metadata (env MCP_PUBLIC_URL; default the listen address)");
  app.add_flag("--allow-unsafe-role", config.allow_unsafe_role,
               "Serve even as a superuser or a role that can write (only for a deliberate special case; see "
               "`fleetmcp doctor`)");
}

void validate(Config& config) {
  std::erase_if(config.readable_schemas, Config::is_internal_schema);
  if (config.readable_schemas.empty())
    throw ConfigError("MCP_READABLE_SCHEMAS names no schema; give at least one, e.g. reporting");
  if (config.default_rows > config.max_rows) config.default_rows = config.max_rows;
  if (config.caller.empty()) config.caller = os_user();
  // The database checks the name itself at connect; this keeps out what no
  // zone name holds (quotes, spaces, control characters) and says so at once.
  const bool zone_characters_ok = std::all_of(config.time_zone.begin(), config.time_zone.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view{"/_+-:."}.find(c) != std::string_view::npos;
  });
  if (!zone_characters_ok || config.time_zone.size() > 64)
    throw ConfigError("MCP_TIME_ZONE must be a time zone name such as Africa/Nairobi or UTC, got '" + config.time_zone +
                      "'");
  if (!config.export_dir.empty() && config.export_dir.front() != '/')
    throw ConfigError("MCP_EXPORT_DIR must be an absolute path, got '" + config.export_dir + "'");
  while (!config.public_url.empty() && config.public_url.back() == '/') config.public_url.pop_back();
  if (!config.public_url.empty() && config.public_url.rfind("https://", 0) != 0 &&
      config.public_url.rfind("http://", 0) != 0)
    throw ConfigError("MCP_PUBLIC_URL must start with https:// (or http:// behind a TLS proxy), got '" +
                      config.public_url + "'");
  static const std::vector<std::string> levels{"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(levels.begin(), levels.end(), config.log_level) == levels.end())
    throw ConfigError("MCP_LOG_LEVEL must be one of trace, debug, info, warn, error, off; got '" + config.log_level +
                      "'");
}

}  // namespace fleetmcp
