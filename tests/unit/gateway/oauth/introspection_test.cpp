// Tests RFC 7662 introspection's pure parts: which tokens are opaque, the
// form and HTTP Basic encoding (RFC 6749 §2.3.1), and the verdict on each
// kind of answer — active and good, then every refusal (inactive, wrong iss,
// wrong or missing aud, expired, not yet valid, refresh token, missing
// scope, no caller) and every answer that says nothing (HTTP errors, not
// JSON, not an object, no active).
#include <doctest/doctest.h>

#include "gateway/oauth/introspection.h"
#include "test_introspection.h"

using namespace fleetmcp::gateway::oauth;
using namespace fleetmcp::gateway::oauth::testing;
using nlohmann::json;

namespace {

constexpr std::int64_t now = 1'800'000'000;

IntrospectionPolicy policy() { return introspection_policy(); }

json active() {
  return {{"active", true}, {"iss", "https://id.example.com/realms/fleet"}, {"aud", "https://fleetmcp.example.com/mcp"},
          {"sub", "f1d2c3"}, {"username", "amina.k"}, {"preferred_username", "amina"},
          {"scope", "openid fleetmcp:query"}, {"token_type", "Bearer"}, {"exp", now + 300}, {"iat", now - 10},
          {"nbf", now - 10}, {"client_id", "claude"}};
}

// "caller" / "invalid_token: why" / "insufficient_scope: why" / "unavailable: why"
std::string raw_verdict(const std::string& body, const IntrospectionPolicy& rules = policy(), int status = 200) {
  const auto result = introspection_verdict(status, body, rules, now);
  if (const auto* token = std::get_if<IntrospectedToken>(&result)) return token->identity.caller;
  if (const auto* down = std::get_if<IntrospectionUnavailable>(&result)) return "unavailable: " + down->description;
  const auto& refusal = std::get<JwtRefusal>(result);
  return (refusal.kind == JwtRefusal::Kind::insufficient_scope ? "insufficient_scope: " : "invalid_token: ") +
         refusal.description;
}

std::string verdict(const json& body, const IntrospectionPolicy& rules = policy()) { return raw_verdict(body.dump(), rules); }

json with(std::initializer_list<std::pair<const char*, json>> changes) {
  json body = active();
  for (const auto& [name, value] : changes) body[name] = value;
  return body;
}

json without(const char* name) {
  json body = active();
  body.erase(name);
  return body;
}

}  // namespace

TEST_CASE("introspection: opaque tokens are those that are not a decodable JWS") {
  CHECK(is_opaque_token("2YotnFZFEjr1zCsicMWpAA"));
  CHECK(is_opaque_token("abc.def"));
  CHECK(is_opaque_token("not.a.jwt"));  // three parts, but the header is not base64url JSON
  CHECK(is_opaque_token("eyJhbGciOiJSUzI1NiJ9"));
  CHECK_FALSE(is_opaque_token("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"));  // {"alg":"RS256"}.{}.sig: the JWKS path decides
}

TEST_CASE("introspection: the form and HTTP Basic client authentication are encoded as RFC 6749 says") {
  CHECK(introspection_form("2Yotn/FZ+A==") == "token=2Yotn%2FFZ%2BA%3D%3D&token_type_hint=access_token");
  CHECK(basic_authorization("gateway", "s3cret") == "Basic Z2F0ZXdheTpzM2NyZXQ=");
  // A ':' in the ID would split it in the wrong place unless encoded first (§2.3.1).
  CHECK(basic_authorization("my:client", "sécret:1 +/") == "Basic bXklM0FjbGllbnQ6cyVDMyVBOWNyZXQlM0ExKyUyQiUyRg==");
  CHECK(basic_authorization("a", "") == "Basic YTo=");
}

TEST_CASE("introspection: tokens that cannot be a Bearer token are refused before they are sent") {
  const JwtPolicy rules = policy().claims;
  CHECK_FALSE(unsendable_token_refusal("2YotnFZFEjr1zCsicMWpAA==", rules));
  CHECK_FALSE(unsendable_token_refusal("a-b.c_d~e+f/g", rules));
  CHECK(unsendable_token_refusal("has space", rules)->description.find("RFC 6750") != std::string::npos);
  CHECK(unsendable_token_refusal("a=b", rules));
  CHECK(unsendable_token_refusal("====", rules));
  CHECK(unsendable_token_refusal(std::string(rules.max_token_bytes + 1, 'a'), rules)->description ==
        "the token is longer than 16384 bytes");
}

TEST_CASE("introspection: an active answer names the caller from the configured claim, then username, then sub") {
  CHECK(verdict(active()) == "amina");
  CHECK(verdict(without("preferred_username")) == "amina.k");
  json only_sub = without("preferred_username");
  only_sub.erase("username");
  CHECK(verdict(only_sub) == "f1d2c3");
  IntrospectionPolicy by_email = policy();
  by_email.claims.caller_claim = "email";
  CHECK(verdict(active(), by_email) == "amina.k");
  CHECK(verdict(with({{"email", "amina@example.com"}}), by_email) == "amina@example.com");
  only_sub.erase("sub");
  CHECK(verdict(only_sub) ==
        "invalid_token: the token names no caller (no preferred_username, username or sub in the introspection answer)");
  CHECK(verdict(with({{"preferred_username", "ami\nna"}})) == "ami?na");
  // The exp is kept: the cache believes the answer no longer than that.
  const auto result = introspection_verdict(200, active().dump(), policy(), now);
  CHECK(std::get<IntrospectedToken>(result).exp == now + 300);
  CHECK(std::get<IntrospectedToken>(result).identity.scopes == std::vector<std::string>{"openid", "fleetmcp:query"});
}

TEST_CASE("introspection: iss, aud, exp and nbf are optional in the answer but checked when present") {
  CHECK(verdict(without("iss")) == "amina");
  CHECK(verdict(without("exp")) == "amina");
  CHECK(!std::get<IntrospectedToken>(introspection_verdict(200, without("exp").dump(), policy(), now)).exp);
  CHECK(verdict(with({{"aud", {"account", "https://fleetmcp.example.com/mcp"}}})) == "amina");
  CHECK(verdict(with({{"token_type", "access_token"}})) == "amina");
  CHECK(verdict(with({{"exp", now - 30}})) == "amina");  // within the 60 s leeway, as for JWTs
}

TEST_CASE("introspection: each refusal of an answer") {
  CHECK(raw_verdict(R"({"active":false})") == "invalid_token: the token is not active (unknown, expired or revoked)");
  CHECK(verdict(with({{"active", false}})) == "invalid_token: the token is not active (unknown, expired or revoked)");
  CHECK(verdict(with({{"iss", "https://evil.example.com"}})) ==
        "invalid_token: the token's issuer is not https://id.example.com/realms/fleet");
  CHECK(verdict(with({{"iss", 7}})) == "invalid_token: the token's issuer is not https://id.example.com/realms/fleet");
  CHECK(verdict(with({{"aud", "https://other.example.com/api"}})) ==
        "invalid_token: the token's audience does not include https://fleetmcp.example.com/mcp");
  CHECK(verdict(with({{"aud", {"account", "other"}}})) ==
        "invalid_token: the token's audience does not include https://fleetmcp.example.com/mcp");
  CHECK(verdict(with({{"exp", now - 61}})) == "invalid_token: the token expired");
  CHECK(verdict(with({{"exp", "tomorrow"}})) == "invalid_token: the exp claim is not a number");
  CHECK(verdict(with({{"exp", 1e300}})) == "invalid_token: the exp claim is out of range");
  CHECK(verdict(with({{"nbf", now + 120}})) == "invalid_token: the token is not valid yet (nbf)");
  CHECK(verdict(with({{"token_type", "refresh_token"}})) ==
        "invalid_token: the token is a refresh token, not an access token");
  CHECK(verdict(with({{"scope", "openid profile"}})) == "insufficient_scope: the token lacks the scope fleetmcp:query");
  CHECK(verdict(without("scope")) == "insufficient_scope: the token lacks the scope fleetmcp:query");
}

TEST_CASE("introspection: an answer without aud is refused unless the operator opts out") {
  CHECK(verdict(without("aud")).starts_with("invalid_token: the introspection answer names no audience"));
  CHECK(verdict(without("aud")).find("MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD") != std::string::npos);
  IntrospectionPolicy lenient = policy();
  lenient.audience_required = false;
  CHECK(verdict(without("aud"), lenient) == "amina");
  // Opting out accepts a missing aud, never a wrong one.
  CHECK(verdict(with({{"aud", "other"}}), lenient).starts_with("invalid_token: the token's audience"));
}

TEST_CASE("introspection: an answer that says nothing about the token is the server's problem, not a refusal") {
  CHECK(raw_verdict("{}", policy(), 401) ==
        "unavailable: the introspection endpoint refused the gateway's client credentials (HTTP 401): check "
        "MCP_OAUTH_CLIENT_ID and MCP_OAUTH_CLIENT_SECRET");
  CHECK(raw_verdict("{}", policy(), 403).starts_with("unavailable: the introspection endpoint refused"));
  CHECK(raw_verdict("", policy(), 302).find("a redirect, which is not followed") != std::string::npos);
  CHECK(raw_verdict("oops", policy(), 500) == "unavailable: the introspection endpoint answered HTTP 500");
  CHECK(raw_verdict("not json") == "unavailable: the introspection endpoint's answer is not a JSON object");
  CHECK(raw_verdict("[true]") == "unavailable: the introspection endpoint's answer is not a JSON object");
  CHECK(raw_verdict(R"("active")") == "unavailable: the introspection endpoint's answer is not a JSON object");
  CHECK(raw_verdict(std::string(100'000, '{')) == "unavailable: the introspection endpoint's answer is not a JSON object");
  CHECK(raw_verdict(R"({"sub":"x"})") == "unavailable: the introspection endpoint's answer has no boolean active member");
  CHECK(raw_verdict(R"({"active":"true"})") ==
        "unavailable: the introspection endpoint's answer has no boolean active member");
}
