// Introspection requests and the checks on the answer, in the order that
// matters: nothing is believed unless active is true, and then the answer is
// held to the same rules as a JWT's claims (claims.h).
#include "gateway/oauth/introspection.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "gateway/oauth/base64url.h"
#include "gateway/oauth/claims.h"
#include "text/base64.h"
#include "text/percent_encoding.h"

namespace fleetmcp::gateway::oauth {
namespace {

using nlohmann::json;

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool b64token(std::string_view token) {
  const auto end = token.find_last_not_of('=');
  if (end == std::string_view::npos) return false;
  return std::all_of(token.begin(), token.begin() + static_cast<std::ptrdiff_t>(end) + 1, [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
  });
}

IntrospectionUnavailable unavailable(std::string description) { return {std::move(description)}; }

// " (invalid_client: why)" from an RFC 6749 §5.2 error answer, else empty:
// the server's own words tell the operator most. They never hold the secret,
// which the gateway sends only in the Authorization header.
std::string error_detail(std::string_view body) {
  const json answer = json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("error") || !answer["error"].is_string()) return {};
  std::string detail = answer["error"].get<std::string>();
  if (const auto why = answer.find("error_description"); why != answer.end() && why->is_string())
    detail += ": " + why->get<std::string>();
  return " (" + sanitised_caller(detail) + ")";
}

}  // namespace

bool is_opaque_token(std::string_view token) {
  if (!looks_like_jwt(token)) return true;
  const auto header = decode_base64url(token.substr(0, token.find('.')));
  return !header || !json::parse(*header, nullptr, false).is_object();
}

std::string basic_authorization(std::string_view client_id, std::string_view client_secret) {
  return "Basic " + text::base64(text::form_urlencoded(client_id) + ":" + text::form_urlencoded(client_secret));
}

std::string introspection_form(std::string_view token) {
  return "token=" + text::form_urlencoded(token) + "&token_type_hint=access_token";
}

std::optional<JwtRefusal> unsendable_token_refusal(std::string_view token, const JwtPolicy& policy) {
  if (token.size() > policy.max_token_bytes)
    return invalid("the token is longer than " + std::to_string(policy.max_token_bytes) + " bytes");
  if (!b64token(token)) return invalid("the token has characters a Bearer token may not have (RFC 6750 §2.1)");
  return std::nullopt;
}

IntrospectionVerdict introspection_verdict(int status, std::string_view body, const IntrospectionPolicy& policy,
                                           std::int64_t now_s) {
  // RFC 7662 §2.3: a 401 is the server refusing the gateway, not the token.
  if (status == 401 || status == 403)
    return unavailable("the introspection endpoint refused the gateway's client credentials (HTTP " +
                       std::to_string(status) + error_detail(body) +
                       "): check MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET");
  if (status >= 300 && status < 400)
    return unavailable("the introspection endpoint answered HTTP " + std::to_string(status) +
                       " (a redirect, which is not followed: set MCP_OAUTH_INTROSPECTION_URL to where it points)");
  if (status != 200)
    return unavailable("the introspection endpoint answered HTTP " + std::to_string(status) + error_detail(body));
  const json answer = json::parse(body, nullptr, false);
  if (!answer.is_object()) return unavailable("the introspection endpoint's answer is not a JSON object");
  const auto active = answer.find("active");
  if (active == answer.end() || !active->is_boolean())
    return unavailable("the introspection endpoint's answer has no boolean active member");
  // RFC 7662 §2.2: inactive says nothing more (unknown, expired, revoked, or not for us).
  if (!active->get<bool>()) return invalid("the token is not active (unknown, expired or revoked)");

  const JwtPolicy& rules = policy.claims;
  if (const auto type = answer.find("token_type");
      type != answer.end() && type->is_string() && type->get<std::string>() == "refresh_token")
    return invalid("the token is a refresh token, not an access token");
  if (const auto iss = answer.find("iss");
      iss != answer.end() && (!iss->is_string() || iss->get<std::string>() != rules.issuer))
    return invalid("the token's issuer is not " + rules.issuer);
  if (const auto aud = answer.find("aud"); aud != answer.end()) {
    if (!audience_matches(*aud, rules.audience))
      return invalid("the token's audience does not include " + rules.audience);
  } else if (policy.audience_required) {
    return invalid("the introspection answer names no audience, so the token may be meant for another service "
                   "(the operator may set MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD)");
  }
  // exp is optional here (RFC 7662 §2.2): active already says "valid now".
  if (auto refused = time_refusal(answer, rules, now_s, false)) return *refused;

  IntrospectedToken token;
  add_scopes(answer, "scope", token.identity.scopes);
  token.identity.caller = caller_from(answer, {rules.caller_claim, "username", "sub"});
  if (token.identity.caller.empty())
    return invalid("the token names no caller (no " + rules.caller_claim +
                   ", username or sub in the introspection answer)");
  if (auto refused = scope_refusal(token.identity.scopes, rules)) return *refused;
  if (const auto exp = numeric_date(answer, "exp"); std::holds_alternative<std::optional<std::int64_t>>(exp))
    token.exp = std::get<0>(exp);
  return token;
}

}  // namespace fleetmcp::gateway::oauth
