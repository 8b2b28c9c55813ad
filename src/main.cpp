// fleetmcp: a read-only analytics MCP server for tracksolid_db.
// Subcommands: serve (default; MCP over stdio), gateway, doctor, config, healthcheck, version.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "claude_config.h"
#include "config.h"
#include "doctor/command.h"
#include "gateway/command.h"
#include "healthcheck.h"
#include "logging.h"
#include "serve.h"
#include "ssh_tunnel.h"

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
  CLI::App* serve = app.add_subcommand("serve", "Serve MCP over stdio (the default)")->fallthrough();
  // Hidden: set only by the gateway for its children, so they take the caller from each request.
  bool trusted_gateway_child = false;
  serve->add_flag("--trusted-gateway-child", trusted_gateway_child)->group("");
  fleetmcp::gateway::GatewayOptions gateway_options;
  CLI::App* gateway = nullptr;
  try {
    gateway = fleetmcp::gateway::add_gateway_command(app, config, gateway_options);
  } catch (const fleetmcp::ConfigError& bad) {  // a gateway setting in the environment
    std::fprintf(stderr, "fleetmcp: %s\n", bad.what());
    return 2;
  }
  CLI::App* version = app.add_subcommand("version", "Print the version");
  fleetmcp::HealthcheckOptions health;
  CLI::App* healthcheck = fleetmcp::add_healthcheck_command(app, health);
  CLI::App* doctor = fleetmcp::doctor::add_doctor_command(app);
  fleetmcp::ConfigCommand client_config;
  fleetmcp::add_config_command(app, client_config);
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
  if (*client_config.command) return fleetmcp::run_config_command(config, client_config);
  fleetmcp::init_logging(config.log_level);
  if (*gateway) return fleetmcp::gateway::run_gateway(config, gateway_options);
  std::unique_ptr<fleetmcp::SshTunnel> tunnel;  // ends with main, taking ssh with it
  try {
    tunnel = fleetmcp::open_configured_tunnel(config);
  } catch (const fleetmcp::SshTunnelError& failure) {
    std::fprintf(stderr, "fleetmcp: cannot open the SSH tunnel: %s\n", failure.what());
    return 2;
  }
  if (*doctor) return fleetmcp::doctor::run_doctor(config, std::cout);
  config.serving_gateway = trusted_gateway_child;
  return fleetmcp::serve_stdio(config, trusted_gateway_child);
}
