// Tests the introspection settings' start-up checks (each error names the
// setting and never shows the secret) and the secret file.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "config.h"
#include "gateway/oauth/settings.h"

using namespace fleetmcp;
using namespace fleetmcp::gateway::oauth;

namespace {

OAuthSettings introspecting() {
  OAuthSettings settings;
  settings.issuer = "https://id.example.com/realms/fleet";
  settings.client_id = "fleetmcp-gateway";
  settings.client_secret = "s3cret-value";
  return settings;
}

// The ConfigError's message, or "" when the settings pass.
std::string refusal(const OAuthSettings& settings) {
  try {
    check_oauth_settings(settings);
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()).find("s3cret-value") == std::string::npos);
    return error.what();
  }
  return {};
}

}  // namespace

TEST_CASE("introspection settings: on with a client ID, checked at start with the setting named") {
  CHECK(refusal(introspecting()).empty());
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
                       "MCP_OAUTH_CLIENT_SECRET and MCP_OAUTH_CLIENT_SECRET_FILE are both set: use one", ConfigError);
  std::ofstream(path) << "\n";
  settings.client_secret.clear();
  CHECK_THROWS_WITH_AS(load_client_secret(settings), ("MCP_OAUTH_CLIENT_SECRET_FILE: " + path + " is empty").c_str(),
                       ConfigError);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(load_client_secret(settings), ("MCP_OAUTH_CLIENT_SECRET_FILE: cannot read " + path).c_str(),
                       ConfigError);

  OAuthSettings policy = introspecting();
  policy.public_url = "https://fleetmcp.example.com";
  complete_oauth_settings(policy, "http://127.0.0.1:8892");
  CHECK(policy.introspection_policy().audience_required);
  CHECK(policy.introspection_policy().claims.audience == "https://fleetmcp.example.com/mcp");
  policy.introspection_allow_no_aud = true;
  CHECK_FALSE(policy.introspection_policy().audience_required);
}
