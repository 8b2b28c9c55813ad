// Tests the RFC 9728 document and the settings it is made from, and the
// introspection settings' start-up checks (each error names the setting and
// never shows the secret) and the secret file.
#include <unistd.h>

#include <cstdio>
#include <fstream>

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

OAuthSettings introspecting() {
  OAuthSettings configured = settings();
  configured.client_id = "fleetmcp-gateway";
  configured.client_secret = "s3cret-value";
  return configured;
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

TEST_CASE("introspection settings: on with a client ID, checked at start with the setting named") {
  CHECK(refusal(introspecting()).empty());
  // What the checks below say never includes the secret.
  OAuthSettings shown = introspecting();
  shown.client_id.clear();
  CHECK(refusal(shown).find("s3cret-value") == std::string::npos);
  CHECK(introspecting().introspection());
  OAuthSettings off;
  off.issuer = "https://id.example.com";
  CHECK_FALSE(off.introspection());

  OAuthSettings no_issuer = introspecting();
  no_issuer.issuer.clear();
  CHECK(refusal(no_issuer) == "MCP_OAUTH_CLIENT_ID is set but MCP_OAUTH_ISSUER is not: introspection needs an issuer");
  OAuthSettings no_secret = introspecting();
  no_secret.client_secret.clear();
  CHECK(refusal(no_secret).starts_with("MCP_OAUTH_CLIENT_ID is set but MCP_OAUTH_CLIENT_SECRET (or MCP_OAUTH_CLIENT_SECRET_FILE)"));
  OAuthSettings no_id = introspecting();
  no_id.client_id.clear();
  CHECK(refusal(no_id).starts_with("MCP_OAUTH_CLIENT_SECRET is set but MCP_OAUTH_CLIENT_ID is not"));
  no_id.introspection_url = "https://id.example.com/introspect";
  CHECK(refusal(no_id).starts_with("MCP_OAUTH_INTROSPECTION_URL is set but MCP_OAUTH_CLIENT_ID is not"));

  OAuthSettings plain = introspecting();
  plain.introspection_url = "http://id.example.com/introspect";
  CHECK(refusal(plain).find("MCP_OAUTH_INTROSPECTION_URL http://id.example.com/introspect: plain http is allowed only to "
                            "a loopback address") == 0);
  plain.introspection_url = "http://127.0.0.1:8080/introspect";  // loopback, as for the issuer
  CHECK(refusal(plain).empty());
  plain.introspection_url = "ftp://id.example.com/introspect";
  CHECK(refusal(plain).starts_with("MCP_OAUTH_INTROSPECTION_URL must be an absolute https:// URL"));

  OAuthSettings ttl = introspecting();
  ttl.introspection_cache_s = 0;
  CHECK(refusal(ttl).empty());
  ttl.introspection_cache_s = 3601;
  CHECK(refusal(ttl).starts_with("MCP_OAUTH_INTROSPECTION_CACHE_TTL must be 0 to 3600 seconds"));

  OAuthSettings control = introspecting();
  control.client_id = "a\nb";
  CHECK(refusal(control) == "MCP_OAUTH_CLIENT_ID has control characters");
}

TEST_CASE("introspection settings: the secret file is read without its line end, and its problems are named") {
  const std::string path = "/tmp/fleetmcp-introspection-secret-" + std::to_string(::getpid());
  std::ofstream(path) << "s3cret-value\r\n";
  OAuthSettings settings = introspecting();
  settings.client_secret.clear();
  settings.client_secret_file = path;
  load_client_secret(settings);
  CHECK(settings.client_secret == "s3cret-value");
  CHECK(refusal(settings).empty());

  OAuthSettings both = introspecting();
  both.client_secret_file = path;
  CHECK_THROWS_WITH_AS(load_client_secret(both),
                       "MCP_OAUTH_CLIENT_SECRET and MCP_OAUTH_CLIENT_SECRET_FILE are both set: use one", fleetmcp::ConfigError);
  std::ofstream(path) << "\n";
  settings.client_secret.clear();
  CHECK_THROWS_WITH_AS(load_client_secret(settings), ("MCP_OAUTH_CLIENT_SECRET_FILE: " + path + " is empty").c_str(),
                       fleetmcp::ConfigError);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(load_client_secret(settings), ("MCP_OAUTH_CLIENT_SECRET_FILE: cannot read " + path).c_str(),
                       fleetmcp::ConfigError);

  OAuthSettings policy = introspecting();
  complete_oauth_settings(policy, "http://127.0.0.1:8892");
  CHECK(policy.introspection_policy().audience_required);
  CHECK(policy.introspection_policy().claims.audience == "https://fleetmcp.example.com/mcp");
  policy.introspection_allow_no_aud = true;
  CHECK_FALSE(policy.introspection_policy().audience_required);
}
