// OAuth settings checks and defaults.
#include "gateway/oauth/settings.h"

#include <algorithm>

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

void check_oauth_settings(const OAuthSettings& settings) {
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
