// The gateway's OAuth resource-server settings (MCP_OAUTH_*, MCP_PUBLIC_URL
// and their flags), their defaults and the start-up checks.
#pragma once

#include <string>
#include <vector>

#include "gateway/oauth/jwt.h"

namespace fleetmcp::gateway::oauth {

inline constexpr const char* default_scopes = "fleetmcp:query";
inline constexpr const char* default_caller_claim = "preferred_username";

struct OAuthSettings {
  std::string issuer;        // MCP_OAUTH_ISSUER; empty: OAuth off, static tokens only
  std::string public_url;    // MCP_PUBLIC_URL: scheme://host[:port] clients reach; default the bound address
  std::string audience;      // MCP_OAUTH_AUDIENCE; default resource()
  std::string scopes = default_scopes;  // MCP_OAUTH_SCOPES: all required; empty: none
  std::string caller_claim = default_caller_claim;  // MCP_OAUTH_CALLER_CLAIM, then sub

  bool enabled() const { return !issuer.empty(); }
  // RFC 9728's resource identifier: the MCP endpoint's URL.
  std::string resource() const { return public_url + "/mcp"; }
  std::string metadata_url() const { return public_url + "/.well-known/oauth-protected-resource/mcp"; }
  std::vector<std::string> scope_list() const;
  JwtPolicy jwt_policy() const;
};

// Throws ConfigError, naming the setting, for an unusable issuer, public URL,
// audience, scope list or claim name. Call before public_url is defaulted.
void check_oauth_settings(const OAuthSettings& settings);

// Once the listener is bound: public_url from `served_base` ("http://127.0.0.1:8892")
// when unset, then the audience from the resource.
void complete_oauth_settings(OAuthSettings& settings, const std::string& served_base);

}  // namespace fleetmcp::gateway::oauth
