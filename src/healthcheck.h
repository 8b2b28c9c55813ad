// `fleetmcp healthcheck`: asks a local gateway's /healthz and exits 0 or 1, so
// a FROM-scratch container can have a HEALTHCHECK with no shell or curl.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace fleetmcp {

struct HealthcheckOptions {
  std::string host = "127.0.0.1";
  int port = 8892;
  int timeout_s = 5;
};

// Registers the subcommand and its flags; returns it so main can test `*cmd`.
CLI::App* add_healthcheck_command(CLI::App& app, HealthcheckOptions& options);

// 0 when GET /healthz answers 200, else 1 with the reason on stderr.
int run_healthcheck(const HealthcheckOptions& options);

}  // namespace fleetmcp
