// `fleetmcp gateway`: its flags, and the run that wires tokens, the child
// pool, the HTTP server and the signals (SIGHUP reloads tokens, SIGTERM drains).
#pragma once

#include <string>

#include "config.h"
#include "gateway/oauth/settings.h"

namespace CLI {
class App;
}

namespace fleetmcp::gateway {

struct GatewayOptions {
  bool insecure_no_auth = false;
  std::string tokens_file;      // MCP_AUTH_TOKENS_FILE
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string allowed_origins;  // MCP_ALLOWED_ORIGINS
  std::string allowed_hosts;    // MCP_ALLOWED_HOSTS
  std::size_t queue_max = 0;    // MCP_QUEUE_MAX; 0: four per child
  std::size_t max_body_bytes = 1024 * 1024;  // MCP_MAX_REQUEST_BYTES
  double header_timeout_s = 10;  // MCP_HEADER_TIMEOUT
  std::string metrics_listen;    // MCP_METRICS_LISTEN: HOST:PORT of /metrics; empty: no metrics listener
  oauth::OAuthSettings oauth;    // MCP_OAUTH_*; its public_url comes from Config (MCP_PUBLIC_URL)
  bool check = false;            // --check: report on the settings and the issuer, then exit
};

// Adds the subcommand; its flags fill `options` and config.listen (the other
// config flags fall through to the main command).
CLI::App* add_gateway_command(CLI::App& app, Config& config, GatewayOptions& options);

int run_gateway(const Config& config, const GatewayOptions& options);

}  // namespace fleetmcp::gateway
