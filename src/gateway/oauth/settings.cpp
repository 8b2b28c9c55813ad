// OAuth settings checks and defaults.
#include "gateway/oauth/settings.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "config.h"
#include "gateway/oauth/url.h"

namespace fleetmcp::gateway::oauth {
namespace {

bool has_space_or_control(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

}  // namespace

std::vector<std::string> OAuthSettings::scope_list() const {
  std::vector<std::string> list;
  std::size_t start = 0;
  while (start < scopes.size()) {
    const auto end = std::min(scopes.find(' ', start), scopes.size());
    if (end > start) list.push_back(scopes.substr(start, end - start));
    start = end + 1;
  }
  return list;
}

JwtPolicy OAuthSettings::jwt_policy() const {
  JwtPolicy policy;
  policy.issuer = issuer;
  policy.audience = audience.empty() ? resource() : audience;
  policy.required_scopes = scope_list();
  policy.caller_claim = caller_claim;
  return policy;
}

IntrospectionPolicy OAuthSettings::introspection_policy() const {
  IntrospectionPolicy policy;
  policy.claims = jwt_policy();
  policy.audience_required = !introspection_allow_no_aud;
  return policy;
}

void load_client_secret(OAuthSettings& settings) {
  if (settings.client_secret_file.empty()) return;
  if (!settings.client_secret.empty())
    throw ConfigError("MCP_OAUTH_CLIENT_SECRET and MCP_OAUTH_CLIENT_SECRET_FILE are both set: use one");
  std::ifstream file(settings.client_secret_file, std::ios::binary);
  if (!file) throw ConfigError("MCP_OAUTH_CLIENT_SECRET_FILE: cannot read " + settings.client_secret_file);
  std::ostringstream content;
  content << file.rdbuf();
  std::string secret = content.str();
  // Files written by editors and `echo` end in a newline that is not the secret's.
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) throw ConfigError("MCP_OAUTH_CLIENT_SECRET_FILE: " + settings.client_secret_file + " is empty");
  settings.client_secret = std::move(secret);
}

namespace {

void check_introspection_settings(const OAuthSettings& settings) {
  const bool any = !settings.client_id.empty() || !settings.client_secret.empty() || !settings.introspection_url.empty();
  if (!settings.enabled()) {
    if (any)
      throw ConfigError(std::string(!settings.client_id.empty() ? "MCP_OAUTH_CLIENT_ID"
                                    : !settings.introspection_url.empty() ? "MCP_OAUTH_INTROSPECTION_URL"
                                                                          : "MCP_OAUTH_CLIENT_SECRET") +
                        " is set but MCP_OAUTH_ISSUER is not: introspection needs an issuer");
    return;
  }
  if (!any) return;
  // RFC 7662 §2.1: the endpoint must authenticate its callers.
  if (settings.client_id.empty())
    throw ConfigError(std::string(!settings.introspection_url.empty() ? "MCP_OAUTH_INTROSPECTION_URL"
                                                                       : "MCP_OAUTH_CLIENT_SECRET") +
                      " is set but MCP_OAUTH_CLIENT_ID is not: introspection needs the gateway's client ID and secret");
  if (settings.client_secret.empty())
    throw ConfigError("MCP_OAUTH_CLIENT_ID is set but MCP_OAUTH_CLIENT_SECRET (or MCP_OAUTH_CLIENT_SECRET_FILE) is "
                      "not: introspection authenticates with the client's secret");
  if (std::any_of(settings.client_id.begin(), settings.client_id.end(),
                  [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    throw ConfigError("MCP_OAUTH_CLIENT_ID has control characters");
  if (!settings.introspection_url.empty()) {
    const std::string why = insecure_url_refusal(settings.introspection_url, "MCP_OAUTH_INTROSPECTION_URL");
    if (!why.empty()) throw ConfigError(why);
  }
  if (settings.introspection_cache_s < 0 || settings.introspection_cache_s > max_introspection_cache_s)
    throw ConfigError("MCP_OAUTH_INTROSPECTION_CACHE_TTL must be 0 to " + std::to_string(max_introspection_cache_s) +
                      " seconds (how long a revoked token may still be accepted), got " +
                      std::to_string(settings.introspection_cache_s));
}

}  // namespace

void check_oauth_settings(const OAuthSettings& settings) {
  check_introspection_settings(settings);
  if (!settings.enabled()) {
    if (!settings.audience.empty()) throw ConfigError("MCP_OAUTH_AUDIENCE is set but MCP_OAUTH_ISSUER is not: OAuth needs an issuer");
    return;
  }
  if (const std::string why = insecure_url_refusal(settings.issuer, "MCP_OAUTH_ISSUER"); !why.empty())
    throw ConfigError(why);
  if (settings.issuer.find('?') != std::string::npos)
    throw ConfigError("MCP_OAUTH_ISSUER must not have a query (RFC 8414 §2), got '" + settings.issuer + "'");
  if (!settings.public_url.empty()) {
    // OAuth clients send their tokens there: https, or a loopback address.
    if (const std::string why = insecure_url_refusal(settings.public_url, "MCP_PUBLIC_URL"); !why.empty())
      throw ConfigError(why);
    if (parse_http_url(settings.public_url)->target != "/" || settings.public_url.back() == '/')
      throw ConfigError("MCP_PUBLIC_URL must be scheme://host[:port] with no path or trailing slash (the gateway "
                        "serves /mcp and /.well-known/ under it), got '" + settings.public_url + "'");
  }
  // Entra ID v2 tokens carry the application's GUID as aud, so an audience
  // need not be a URL; it only has to be one non-blank word.
  if (has_space_or_control(settings.audience))
    throw ConfigError("MCP_OAUTH_AUDIENCE must be one word (a URL such as https://host/mcp, or an application ID), got '" +
                      settings.audience + "'");
  if (settings.caller_claim.empty() || has_space_or_control(settings.caller_claim))
    throw ConfigError("MCP_OAUTH_CALLER_CLAIM must be a claim name such as preferred_username, email or sub");
  for (const auto& scope : settings.scope_list())
    if (has_space_or_control(scope) || scope.find('"') != std::string::npos || scope.find('\\') != std::string::npos)
      throw ConfigError("MCP_OAUTH_SCOPES: scope '" + scope + "' has characters a scope may not have (RFC 6749 §3.3)");
}

void complete_oauth_settings(OAuthSettings& settings, const std::string& served_base) {
  if (settings.public_url.empty()) settings.public_url = served_base;
  if (settings.audience.empty()) settings.audience = settings.resource();
}

}  // namespace fleetmcp::gateway::oauth
