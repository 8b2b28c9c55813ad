// The metadata document's members.
#include "gateway/oauth/resource_metadata.h"

namespace fleetmcp::gateway::oauth {

bool is_resource_metadata_path(std::string_view path) {
  return path == "/.well-known/oauth-protected-resource" || path == "/.well-known/oauth-protected-resource/mcp";
}

nlohmann::json protected_resource_metadata(const OAuthSettings& settings) {
  return {{"resource", settings.resource()},
          {"authorization_servers", {settings.issuer}},
          {"scopes_supported", settings.scope_list()},
          {"bearer_methods_supported", {"header"}},
          {"resource_name", "fleetmcp analytics (read-only SQL)"}};
}

}  // namespace fleetmcp::gateway::oauth
