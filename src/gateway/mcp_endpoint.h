// The gateway's HTTP routes: MCP Streamable HTTP at /mcp and /, /healthz,
// and with OAuth the protected-resource metadata under /.well-known/.
// Checks Origin, the Bearer token (static, then JWT or, for an opaque token
// with introspection configured, RFC 7662) and the MCP headers,
// names the caller in the request, and hands it to the child pool.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/child_pool.h"
#include "gateway/export_downloads.h"
#include "gateway/http_server.h"
#include "gateway/oauth/jwt_authenticator.h"
#include "gateway/oauth/settings.h"
#include "gateway/oauth/token_introspector.h"
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
  // enabled(): JWTs from this issuer are accepted beside the static tokens,
  // and 401s point to the metadata document (public_url already completed).
  oauth::OAuthSettings oauth;
};

class McpEndpoint {
 public:
  // `jwt` is required when options.oauth is enabled, else ignored;
  // `introspector` likewise when options.oauth.introspection().
  McpEndpoint(EndpointOptions options, const TokenStore& tokens, ChildPool& pool,
              const oauth::JwtAuthenticator* jwt = nullptr, const oauth::TokenIntrospector* introspector = nullptr);

  void handle(const HttpRequest& request, ResponseChannel& channel);

 private:
  void health(ResponseChannel& channel);
  void resource_metadata(const HttpRequest& request, ResponseChannel& channel);
  // The caller the Bearer token names; nullopt once a 401/403 is sent.
  std::optional<std::string> authenticate(const HttpRequest& request, ResponseChannel& channel);
  void mcp_post(const HttpRequest& request, ResponseChannel& channel, const std::string& caller);

  EndpointOptions options_;
  const TokenStore& tokens_;
  ChildPool& pool_;
  const oauth::JwtAuthenticator* jwt_;
  const oauth::TokenIntrospector* introspector_;
};

}  // namespace fleetmcp::gateway
