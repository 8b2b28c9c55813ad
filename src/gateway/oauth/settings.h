// The gateway's OAuth resource-server settings (MCP_OAUTH_*, MCP_PUBLIC_URL
// and their flags), their defaults and the start-up checks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/oauth/introspection.h"
#include "gateway/oauth/jwt.h"

namespace fleetmcp::gateway::oauth {

inline constexpr const char* default_scopes = "fleetmcp:query";
inline constexpr const char* default_caller_claim = "preferred_username";
inline constexpr std::int64_t default_introspection_cache_s = 60;
inline constexpr std::int64_t max_introspection_cache_s = 3600;

struct OAuthSettings {
  std::string issuer;        // MCP_OAUTH_ISSUER; empty: OAuth off, static tokens only
  std::string public_url;    // MCP_PUBLIC_URL: scheme://host[:port] clients reach; default the bound address
  std::string audience;      // MCP_OAUTH_AUDIENCE; default resource()
  std::string scopes = default_scopes;  // MCP_OAUTH_SCOPES: all required; empty: none
  std::string caller_claim = default_caller_claim;  // MCP_OAUTH_CALLER_CLAIM, then sub

  // RFC 7662 introspection of opaque tokens, on when a client ID is set:
  // every introspection endpoint wants the caller authenticated (§2.1), so
  // the credentials are what an operator must get from the IdP anyway, and
  // the endpoint itself is in the issuer's metadata (RFC 8414
  // introspection_endpoint), which is where it belongs unless it is elsewhere.
  std::string introspection_url;   // MCP_OAUTH_INTROSPECTION_URL; default the metadata's introspection_endpoint
  std::string client_id;           // MCP_OAUTH_CLIENT_ID
  std::string client_secret;       // MCP_OAUTH_CLIENT_SECRET (never logged or shown)
  std::string client_secret_file;  // MCP_OAUTH_CLIENT_SECRET_FILE: read into client_secret at start
  std::int64_t introspection_cache_s = default_introspection_cache_s;  // MCP_OAUTH_INTROSPECTION_CACHE_TTL; 0: none
  bool introspection_allow_no_aud = false;  // MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD

  bool enabled() const { return !issuer.empty(); }
  bool introspection() const { return enabled() && !client_id.empty(); }
  // RFC 9728's resource identifier: the MCP endpoint's URL.
  std::string resource() const { return public_url + "/mcp"; }
  std::string metadata_url() const { return public_url + "/.well-known/oauth-protected-resource/mcp"; }
  std::vector<std::string> scope_list() const;
  JwtPolicy jwt_policy() const;
  IntrospectionPolicy introspection_policy() const;
};

// Reads MCP_OAUTH_CLIENT_SECRET_FILE into client_secret (its last line end
// dropped); throws ConfigError naming the setting, never showing the content.
void load_client_secret(OAuthSettings& settings);

// Throws ConfigError, naming the setting, for an unusable issuer, public URL,
// audience, scope list, claim name or introspection set-up. Call before
// public_url is defaulted, after load_client_secret.
void check_oauth_settings(const OAuthSettings& settings);

// Once the listener is bound: public_url from `served_base` ("http://127.0.0.1:8892")
// when unset, then the audience from the resource.
void complete_oauth_settings(OAuthSettings& settings, const std::string& served_base);

}  // namespace fleetmcp::gateway::oauth
