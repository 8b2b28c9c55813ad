// The OAuth 2.0 Protected Resource Metadata document (RFC 9728 §2) that
// MCP clients fetch from the 401's resource_metadata URL to learn which
// authorization server to ask for a token, and for which scopes.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/oauth/settings.h"

namespace fleetmcp::gateway::oauth {

// Paths it is served at: RFC 9728 §3.1's well-known form for the resource
// /mcp, and the bare one for clients that ask at the host root.
bool is_resource_metadata_path(std::string_view path);

nlohmann::json protected_resource_metadata(const OAuthSettings& settings);

}  // namespace fleetmcp::gateway::oauth
