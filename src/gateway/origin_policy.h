// Defence against DNS rebinding: which Origin and Host headers the gateway
// accepts. A browser page on another site must not reach the MCP endpoint.
#pragma once

#include <string>
#include <vector>

#include "gateway/http_message.h"

namespace fleetmcp::gateway {

struct OriginPolicy {
  // MCP_ALLOWED_ORIGINS: exact origins ("https://claude.ai") browsers may call from.
  std::vector<std::string> allowed_origins;
  // MCP_ALLOWED_HOSTS: Host header names (no port) accepted besides loopback ones.
  std::vector<std::string> allowed_hosts;
  // On a loopback listener only loopback Host names and Origins are accepted
  // (plus the lists above): that is what a rebinding attack cannot fake.
  bool loopback_listener = false;

  // Empty when acceptable, else why not (for the 403 body and the log).
  std::string refusal(const HttpRequest& request) const;
};

// "localhost", "[::1]" or a literal 127.x.y.z (lower-case host, no port):
// names no DNS answer can point elsewhere. Also where the OAuth client may
// use plain http.
bool is_loopback_name(const std::string& host);

}  // namespace fleetmcp::gateway
