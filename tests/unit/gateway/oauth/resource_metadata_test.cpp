// Tests the RFC 9728 document and the settings it is made from.
#include <doctest/doctest.h>

#include "config.h"
#include "gateway/oauth/resource_metadata.h"

using namespace fleetmcp::gateway::oauth;

namespace {

OAuthSettings settings() {
  OAuthSettings settings;
  settings.issuer = "https://id.example.com/realms/fleet";
  settings.public_url = "https://fleetmcp.example.com";
  return settings;
}

std::string refusal(const OAuthSettings& bad) {
  try {
    check_oauth_settings(bad);
  } catch (const fleetmcp::ConfigError& error) {
    return error.what();
  }
  return {};
}

}  // namespace

TEST_CASE("the metadata names the resource, the issuer, the scopes and header-only bearer use") {
  OAuthSettings configured = settings();
  configured.scopes = "fleetmcp:query  offline_access";
  complete_oauth_settings(configured, "http://127.0.0.1:8892");
  const auto document = protected_resource_metadata(configured);
  CHECK(document["resource"] == "https://fleetmcp.example.com/mcp");
  CHECK(document["authorization_servers"] == nlohmann::json::array({"https://id.example.com/realms/fleet"}));
  CHECK(document["scopes_supported"] == nlohmann::json::array({"fleetmcp:query", "offline_access"}));
  CHECK(document["bearer_methods_supported"] == nlohmann::json::array({"header"}));
  CHECK(document["resource_name"].is_string());
  CHECK(configured.metadata_url() == "https://fleetmcp.example.com/.well-known/oauth-protected-resource/mcp");
  CHECK(configured.jwt_policy().audience == "https://fleetmcp.example.com/mcp");
  CHECK(is_resource_metadata_path("/.well-known/oauth-protected-resource/mcp"));
  CHECK(is_resource_metadata_path("/.well-known/oauth-protected-resource"));
  CHECK_FALSE(is_resource_metadata_path("/.well-known/oauth-protected-resource/other"));
}

TEST_CASE("the public URL defaults to the bound address and the audience to the resource") {
  OAuthSettings configured = settings();
  configured.public_url.clear();
  complete_oauth_settings(configured, "http://127.0.0.1:8892");
  CHECK(configured.resource() == "http://127.0.0.1:8892/mcp");
  CHECK(configured.audience == "http://127.0.0.1:8892/mcp");
  configured = settings();
  configured.audience = "api://0b8b1c1e-fleetmcp";
  complete_oauth_settings(configured, "unused");
  CHECK(configured.jwt_policy().audience == "api://0b8b1c1e-fleetmcp");
}

TEST_CASE("unusable OAuth settings stop the start, naming the setting") {
  CHECK(refusal(settings()).empty());
  OAuthSettings bad = settings();
  bad.issuer = "http://id.example.com";
  CHECK(refusal(bad).find("plain http is allowed only to a loopback address") != std::string::npos);
  bad.issuer = "http://127.0.0.1:9000/oidc";
  CHECK(refusal(bad).empty());
  bad.issuer = "id.example.com";
  CHECK(refusal(bad).starts_with("MCP_OAUTH_ISSUER must be an absolute https:// URL"));
  bad.issuer = "https://id.example.com/?tenant=x";
  CHECK(refusal(bad).starts_with("MCP_OAUTH_ISSUER must not have a query"));
  bad = settings();
  bad.public_url = "https://fleetmcp.example.com/mcp";
  CHECK(refusal(bad).starts_with("MCP_PUBLIC_URL must be scheme://host[:port] with no path"));
  bad.public_url = "http://fleetmcp.example.com";
  CHECK(refusal(bad).find("MCP_PUBLIC_URL") != std::string::npos);
  bad = settings();
  bad.audience = "two words";
  CHECK(refusal(bad).starts_with("MCP_OAUTH_AUDIENCE must be one word"));
  bad = settings();
  bad.caller_claim = "";
  CHECK(refusal(bad).starts_with("MCP_OAUTH_CALLER_CLAIM"));
  bad = settings();
  bad.scopes = "fleetmcp:\"query\"";
  CHECK(refusal(bad).starts_with("MCP_OAUTH_SCOPES"));
  OAuthSettings off;
  off.audience = "https://fleetmcp.example.com/mcp";
  CHECK(refusal(off).starts_with("MCP_OAUTH_AUDIENCE is set but MCP_OAUTH_ISSUER is not"));
}
