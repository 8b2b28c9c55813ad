#include <doctest/doctest.h>

#include <cstdlib>

#include <CLI/CLI.hpp>

#include "config.h"

using fleetmcp::Config;

namespace {
struct EnvironmentVariable {
  std::string name;
  EnvironmentVariable(std::string n, const char* value) : name(std::move(n)) { setenv(name.c_str(), value, 1); }
  ~EnvironmentVariable() { unsetenv(name.c_str()); }
};
}  // namespace

TEST_CASE("split_list trims items and skips empty ones") {
  CHECK(fleetmcp::split_list(" reporting, tracksolid,,fuel ") ==
        std::vector<std::string>{"reporting", "tracksolid", "fuel"});
  CHECK(fleetmcp::split_list("").empty());
  CHECK(fleetmcp::split_list("Odd Schema,x") == std::vector<std::string>{"Odd Schema", "x"});
}

TEST_CASE("defaults match the deployment") {
  Config config;
  CHECK(config.readable_schemas == std::vector<std::string>{"reporting", "tracksolid", "tickets", "fuel"});
  CHECK(config.max_rows == 10000);
  CHECK(config.default_rows == 1000);
  CHECK(config.pool_max == 8);
  CHECK(config.readable_schemas_text() == "reporting, tracksolid, tickets, fuel");
}

TEST_CASE("environment variables are read") {
  EnvironmentVariable url{"DATABASE_URL", "postgresql://u@h/db"};
  EnvironmentVariable schemas{"MCP_READABLE_SCHEMAS", "reporting,fuel"};
  EnvironmentVariable rows{"MCP_MAX_ROWS", "500"};
  EnvironmentVariable pool{"MCP_POOL_MAX", "3"};
  Config config;
  fleetmcp::load_environment(config);
  CHECK(config.database_url == "postgresql://u@h/db");
  CHECK(config.readable_schemas == std::vector<std::string>{"reporting", "fuel"});
  CHECK(config.max_rows == 500);
  CHECK(config.pool_max == 3);
  fleetmcp::validate(config);
  CHECK(config.default_rows == 500);  // the default never exceeds the ceiling
}

TEST_CASE("bad numbers name the variable") {
  EnvironmentVariable rows{"MCP_MAX_ROWS", "lots"};
  Config config;
  CHECK_THROWS_WITH_AS(fleetmcp::load_environment(config), doctest::Contains("MCP_MAX_ROWS"), fleetmcp::ConfigError);
}

TEST_CASE("flags override the environment") {
  EnvironmentVariable rows{"MCP_MAX_ROWS", "500"};
  Config config;
  fleetmcp::load_environment(config);
  CLI::App app;
  fleetmcp::add_config_flags(app, config);
  const char* argv[] = {"fleetmcp", "--max-rows", "42", "--readable-schemas", "tickets", "--caller", "ana"};
  app.parse(7, argv);
  fleetmcp::validate(config);
  CHECK(config.max_rows == 42);
  CHECK(config.readable_schemas == std::vector<std::string>{"tickets"});
  CHECK(config.caller == "ana");
}

TEST_CASE("an empty schema list is refused") {
  Config config;
  config.readable_schemas.clear();
  CHECK_THROWS_AS(fleetmcp::validate(config), fleetmcp::ConfigError);
}

TEST_CASE("TimescaleDB internal schemas are never readable") {
  Config config;
  config.readable_schemas = {"reporting", "_timescaledb_internal", "_timescaledb_catalog"};
  fleetmcp::validate(config);
  CHECK(config.readable_schemas == std::vector<std::string>{"reporting"});
}

TEST_CASE("timescaledb_information may be configured; only the _timescaledb_* internals are dropped") {
  Config config;
  config.readable_schemas = {"reporting", "timescaledb_information", "_timescaledb_functions"};
  fleetmcp::validate(config);
  CHECK(config.readable_schemas == std::vector<std::string>{"reporting", "timescaledb_information"});
  CHECK(Config::is_internal_schema("_timescaledb_internal"));
  CHECK_FALSE(Config::is_internal_schema("timescaledb_information"));
}

TEST_CASE("MCP_TIME_ZONE and --time-zone set the session zone; a name no zone can have is refused") {
  {
    EnvironmentVariable zone{"MCP_TIME_ZONE", "Africa/Nairobi"};
    Config config;
    fleetmcp::load_environment(config);
    CHECK(config.time_zone == "Africa/Nairobi");
    CLI::App app;
    fleetmcp::add_config_flags(app, config);
    const char* argv[] = {"fleetmcp", "--time-zone", "UTC"};
    app.parse(3, argv);
    CHECK(config.time_zone == "UTC");  // the flag wins
    fleetmcp::validate(config);
  }
  for (const char* bad : {"Africa/Nairobi'; SET x", "Etc/GMT +3", "a\nb"}) {
    Config config;
    config.time_zone = bad;
    CHECK_THROWS_WITH_AS(fleetmcp::validate(config), doctest::Contains("MCP_TIME_ZONE must be a time zone name"),
                         fleetmcp::ConfigError);
  }
  Config unset;
  fleetmcp::validate(unset);
  CHECK(unset.time_zone.empty());  // the database's own zone
}
