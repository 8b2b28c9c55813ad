// The gateway's HTTP routes: MCP Streamable HTTP at /mcp and /, and /healthz.
// Checks Origin, the Bearer token and the MCP headers, names the caller in
// the request, and hands it to the child pool.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/child_pool.h"
#include "gateway/export_downloads.h"
#include "gateway/http_server.h"
#include "gateway/origin_policy.h"
#include "gateway/tokens.h"

namespace fleetmcp::gateway {

struct EndpointOptions {
  OriginPolicy origins;
  // false only with --insecure-no-auth on loopback: every request is `anonymous_caller`.
  bool require_token = true;
  std::string anonymous_caller;
  // {"configured":…,"reachable":…}: the database as /healthz reports it.
  std::function<nlohmann::json()> database_state;
  // GET /exports/<id> (the export tool's files); null: no such route.
  ExportDownloads* downloads = nullptr;
};

class McpEndpoint {
 public:
  McpEndpoint(EndpointOptions options, const TokenStore& tokens, ChildPool& pool);

  void handle(const HttpRequest& request, ResponseChannel& channel);

 private:
  void health(ResponseChannel& channel);
  // The caller a request's credentials name; nullopt after answering 401.
  std::optional<std::string> authenticate(const HttpRequest& request, ResponseChannel& channel);
  void mcp_post(const HttpRequest& request, ResponseChannel& channel, const std::string& caller);

  EndpointOptions options_;
  const TokenStore& tokens_;
  ChildPool& pool_;
};

}  // namespace fleetmcp::gateway
