// fleetmcp: a read-only analytics MCP server for tracksolid_db.
// Subcommands: serve (default; MCP over stdio), healthcheck, version.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "config.h"
#include "healthcheck.h"
#include "logging.h"
#include "serve.h"

int main(int argc, char** argv) {
  fleetmcp::Config config;
  try {
    fleetmcp::load_environment(config);
  } catch (const fleetmcp::ConfigError& bad) {
    std::fprintf(stderr, "fleetmcp: %s\n", bad.what());
    return 2;
  }

  CLI::App app{"fleetmcp " FLEETMCP_VERSION
               " — read-only analytics MCP server for tracksolid_db.\n"
               "Flags override the environment variables named in their help."};
  app.set_version_flag("--version", std::string{"fleetmcp "} + FLEETMCP_VERSION);
  add_config_flags(app, config);
  app.add_subcommand("serve", "Serve MCP over stdio (the default)")->fallthrough();
  CLI::App* version = app.add_subcommand("version", "Print the version");
  fleetmcp::HealthcheckOptions health;
  CLI::App* healthcheck = fleetmcp::add_healthcheck_command(app, health);
  app.require_subcommand(0, 1);
  CLI11_PARSE(app, argc, argv);

  if (*healthcheck) return fleetmcp::run_healthcheck(health);
  if (*version) {
    std::printf("fleetmcp %s\n", FLEETMCP_VERSION);
    return 0;
  }
  try {
    fleetmcp::validate(config);
  } catch (const fleetmcp::ConfigError& bad) {
    std::fprintf(stderr, "fleetmcp: %s\n", bad.what());
    return 2;
  }
  fleetmcp::init_logging(config.log_level);
  return fleetmcp::serve_stdio(config);
}
