// The checks of `gateway --check`, in the order a connection meets them.
#include "gateway/oauth/gateway_check.h"

#include <algorithm>

#include "doctor/check.h"
#include "gateway/oauth/introspection.h"

namespace fleetmcp::gateway::oauth {
namespace {

using doctor::Check;
using nlohmann::json;

bool lists(const json& metadata, const char* member, const std::string& value) {
  const auto found = metadata.find(member);
  return found != metadata.end() && found->is_array() && std::find(found->begin(), found->end(), json(value)) != found->end();
}

// What an MCP client needs from the authorization server beyond the keys.
std::vector<Check> client_checks(const DiscoveryResult& found, const OAuthSettings& settings) {
  std::vector<Check> checks;
  const json& metadata = found.metadata;
  if (lists(metadata, "code_challenge_methods_supported", "S256"))
    checks.push_back(Check::pass("PKCE", "the issuer supports S256, which MCP clients require"));
  else
    checks.push_back(Check::warn("PKCE", "the metadata does not list S256 in code_challenge_methods_supported",
                                 "MCP clients refuse an authorization server without PKCE S256: enable it there"));
  if (metadata.contains("registration_endpoint"))
    checks.push_back(Check::pass("client registration", "dynamic client registration at " +
                                                            metadata["registration_endpoint"].get<std::string>()));
  else
    checks.push_back(Check::warn("client registration", "the issuer offers no dynamic client registration",
                                 "register a client for each MCP client (claude.ai: enter its client ID and secret "
                                 "in the connector's advanced settings)"));
  std::vector<std::string> unlisted;
  for (const auto& scope : settings.scope_list())
    if (metadata.contains("scopes_supported") && !lists(metadata, "scopes_supported", scope)) unlisted.push_back(scope);
  if (!unlisted.empty())
    checks.push_back(Check::warn("scopes", "the issuer's scopes_supported does not list " + doctor::joined(unlisted),
                                 "create the scope(s) at the issuer, or set MCP_OAUTH_SCOPES to what it issues"));
  return checks;
}

// Introspects a token no server issued: the answer must be {"active":false}.
// That proves the endpoint is there and takes the gateway's credentials
// (RFC 7662 §2.1: a wrong secret gets 401) without needing a real token.
Check introspection_check(const OAuthSettings& settings, const DiscoveryResult& found, const IntrospectionPost& post) {
  std::string url = settings.introspection_url;
  try {
    if (url.empty()) url = introspection_endpoint(found);
  } catch (const DiscoveryError& failure) {
    return Check::fail("introspection", failure.what(),
                       "set MCP_OAUTH_INTROSPECTION_URL to the authorization server's RFC 7662 endpoint");
  }
  const std::string secret_setting =
      settings.client_secret_file.empty() ? "MCP_OAUTH_CLIENT_SECRET" : "MCP_OAUTH_CLIENT_SECRET_FILE";
  FetchedDocument answer;
  try {
    answer = post(url, basic_authorization(settings.client_id, settings.client_secret),
                  introspection_form("fleetmcp-gateway-check-not-a-token"));
  } catch (const FetchError& failure) {
    return Check::fail("introspection", failure.what(),
                       "check that this host reaches the introspection endpoint (MCP_OAUTH_INTROSPECTION_URL or the "
                       "issuer's introspection_endpoint) and trusts its certificate");
  }
  if (answer.status == 401 || answer.status == 403)
    return Check::fail("introspection",
                       url + " refused the client credentials (HTTP " + std::to_string(answer.status) + ")",
                       "check MCP_OAUTH_CLIENT_ID (" + settings.client_id + ") and " + secret_setting +
                           ": the client must be confidential and allowed to introspect");
  if (answer.status != 200)
    return Check::fail("introspection",
                       url + ": " + std::get<IntrospectionUnavailable>(introspection_verdict(
                                        answer.status, answer.body, IntrospectionPolicy{}, 0)).description,
                       "set MCP_OAUTH_INTROSPECTION_URL to the RFC 7662 endpoint (redirects are not followed)");
  const json body = json::parse(answer.body, nullptr, false);
  const bool inactive = body.is_object() && body.contains("active") && body["active"] == false;
  if (!inactive)
    return Check::fail("introspection", url + " did not answer a made-up token with {\"active\":false}",
                       "set MCP_OAUTH_INTROSPECTION_URL to the RFC 7662 endpoint");
  return Check::pass("introspection", url + " accepts client " + settings.client_id + "; opaque tokens are checked "
                                          "there, active answers cached up to " +
                                          std::to_string(settings.introspection_cache_s) + " s");
}

}  // namespace

int run_gateway_check(const OAuthSettings& settings, std::size_t static_tokens, std::ostream& out, const Fetch& fetch,
                      const IntrospectionPost& post) {
  int failures = 0;
  auto report = [&](const Check& check) {
    doctor::print_check(out, check);
    if (!check.ok) ++failures;
  };
  if (static_tokens > 0)
    report(Check::pass("static tokens", std::to_string(static_tokens) + " analyst token(s)"));
  else if (settings.enabled())
    report(Check::pass("static tokens", "none: only OAuth JWTs are accepted"));
  else
    report(Check::fail("static tokens", "none, and OAuth is not configured",
                       "set MCP_AUTH_TOKENS=name:token,… or MCP_AUTH_TOKENS_FILE, or MCP_OAUTH_ISSUER"));
  if (!settings.enabled()) {
    report(Check::pass("OAuth", "not configured (MCP_OAUTH_ISSUER unset): static tokens only"));
  } else {
    const JwtPolicy policy = [&] {
      OAuthSettings completed = settings;
      complete_oauth_settings(completed, "<listen address>");
      return completed.jwt_policy();
    }();
    report(Check::pass("OAuth settings", "issuer " + settings.issuer + ", audience " + policy.audience + ", scope(s) '" +
                                             settings.scopes + "', caller from " + settings.caller_claim +
                                             (settings.introspection() ? " then username then sub; opaque tokens "
                                                                         "introspected as client " + settings.client_id +
                                                                         (settings.introspection_allow_no_aud
                                                                              ? " (answers without aud accepted)"
                                                                              : "")
                                                                       : " then sub")));
    if (settings.public_url.empty())
      report(Check::warn("public URL", "MCP_PUBLIC_URL is unset: clients are told the listen address",
                         "set MCP_PUBLIC_URL to the https://host clients use (behind a proxy: the proxy's)"));
    try {
      const DiscoveryResult found =
          discover_issuer_keys(settings.issuer, fetch ? fetch : Fetch([](const std::string& url) { return http_get(url); }));
      report(Check::pass("issuer metadata", found.metadata_url));
      std::vector<std::string> keys;
      for (const auto& key : found.keys->keys)
        keys.push_back((key.kid.empty() ? std::string("(no kid)") : key.kid) + " " + key.kty +
                       (key.alg.empty() ? "" : " " + key.alg));
      std::string detail = std::to_string(found.keys->keys.size()) + " signing key(s) from " + found.jwks_uri + ": " +
                           doctor::joined(keys);
      if (!found.keys->skipped.empty()) detail += "; skipped " + doctor::joined(found.keys->skipped, "; ");
      report(Check::pass("signing keys", detail));
      for (const auto& check : client_checks(found, settings)) report(check);
      if (settings.introspection()) report(introspection_check(settings, found, post ? post : post_introspection));
    } catch (const std::exception& failure) {
      report(Check::fail("issuer", failure.what(),
                         "check MCP_OAUTH_ISSUER (exactly the issuer the server names, trailing slash included), "
                         "that this host reaches it, and that its certificate is trusted here"));
    }
  }
  out << (failures == 0 ? "gateway check passed" : std::to_string(failures) + " check(s) failed") << '\n';
  return failures == 0 ? 0 : 1;
}

}  // namespace fleetmcp::gateway::oauth
