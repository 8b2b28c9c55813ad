// JWT decoding and the resource server's checks, in the order that matters:
// nothing in the claims is believed before the signature is.
#include "gateway/oauth/jwt.h"

#include <algorithm>
#include <cctype>

#include "gateway/oauth/base64url.h"
#include "gateway/oauth/claims.h"
#include "gateway/oauth/signature.h"

namespace fleetmcp::gateway::oauth {
namespace {

using nlohmann::json;

std::optional<json> decoded_object(std::string_view part) {
  const auto bytes = decode_base64url(part);
  if (!bytes) return std::nullopt;
  json value = json::parse(*bytes, nullptr, false);
  if (!value.is_object()) return std::nullopt;
  return value;
}

// RFC 9068 §2.1 names access tokens at+jwt; most providers still write JWT.
// Any other typ (logout+jwt, dpop+jwt, secevent+jwt…) is a different token.
bool access_token_type(const json& typ) {
  if (!typ.is_string()) return false;
  std::string text = typ.get<std::string>();
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text == "jwt" || text == "at+jwt" || text == "application/at+jwt";
}

// Keycloak marks its ID and refresh tokens in the claims; with the audience
// set to a client ID (authentik, Entra) an ID token would otherwise pass.
bool marked_not_access_token(const json& claims) {
  const auto typ = claims.find("typ");
  return typ != claims.end() && typ->is_string() && (*typ == "ID" || *typ == "Refresh" || *typ == "Logout");
}

}  // namespace

bool looks_like_jwt(std::string_view token) { return std::count(token.begin(), token.end(), '.') == 2; }

std::string sanitised_caller(std::string_view name) {
  constexpr std::size_t max_bytes = 128;
  std::string out(name.substr(0, max_bytes));
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

std::variant<DecodedJwt, JwtRefusal> decode_jwt(std::string_view token, const JwtPolicy& policy) {
  if (token.size() > policy.max_token_bytes)
    return invalid("the token is longer than " + std::to_string(policy.max_token_bytes) + " bytes");
  if (!looks_like_jwt(token)) return invalid("the token is neither a known static token nor a JWT");
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  DecodedJwt jwt;
  const auto header = decoded_object(token.substr(0, first));
  if (!header) return invalid("the JWT header is not base64url-encoded JSON");
  const auto claims = decoded_object(token.substr(first + 1, second - first - 1));
  if (!claims) return invalid("the JWT payload is not base64url-encoded JSON");
  const auto signature = decode_base64url(token.substr(second + 1));
  if (!signature || signature->empty()) return invalid("the JWT signature is missing or not base64url");
  jwt.header = *header;
  jwt.claims = *claims;
  jwt.signature = *signature;
  jwt.signing_input = std::string(token.substr(0, second));
  const auto alg = jwt.header.find("alg");
  if (alg == jwt.header.end() || !alg->is_string()) return invalid("the JWT header has no alg");
  jwt.alg = alg->get<std::string>();
  if (find_jws_algorithm(jwt.alg) == nullptr)
    return invalid("alg " + sanitised_caller(jwt.alg) + " is not accepted (only " + supported_jws_algorithms() + ")");
  if (const auto typ = jwt.header.find("typ"); typ != jwt.header.end() && !access_token_type(*typ))
    return invalid("the JWT's typ is not that of an access token (JWT or at+jwt)");
  // RFC 7515 §4.1.11: an extension we do not understand must not be ignored.
  if (jwt.header.contains("crit")) return invalid("the JWT header has crit extensions, which are not supported");
  if (const auto kid = jwt.header.find("kid"); kid != jwt.header.end()) {
    if (!kid->is_string()) return invalid("the JWT header's kid is not a string");
    jwt.kid = kid->get<std::string>();
    jwt.kid_given = true;
  }
  return jwt;
}

std::variant<JwtIdentity, JwtRefusal> verify_jwt(const DecodedJwt& token, const Jwk* key, const JwtPolicy& policy,
                                                 std::int64_t now_s) {
  if (key == nullptr)
    return invalid(token.kid_given ? "no key of the issuer has kid " + sanitised_caller(token.kid)
                                   : "the token has no kid and the issuer publishes more than one key");
  const JwsAlgorithm* algorithm = find_jws_algorithm(token.alg);
  // The key decides the algorithm family, never the token: RS256 with an EC
  // key, or a key pinned to another alg, is refused before any verification.
  if (algorithm == nullptr || algorithm->kty != key->kty || (!algorithm->curve.empty() && algorithm->curve != key->crv) ||
      (!key->alg.empty() && key->alg != token.alg))
    return invalid("alg " + token.alg + " does not match the issuer's key " + sanitised_caller(key->kid));
  if (!verify_jws_signature(*algorithm, key->key.get(), token.signing_input, token.signature))
    return invalid("the signature does not verify");

  const json& claims = token.claims;
  if (marked_not_access_token(claims)) return invalid("the token is an ID or refresh token, not an access token");
  const auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string() || iss->get<std::string>() != policy.issuer)
    return invalid("the token's issuer is not " + policy.issuer);
  const auto aud = claims.find("aud");
  if (aud == claims.end() || !audience_matches(*aud, policy.audience))
    return invalid("the token's audience does not include " + policy.audience);
  if (auto refused = time_refusal(claims, policy, now_s, true)) return *refused;

  JwtIdentity identity;
  add_scopes(claims, "scope", identity.scopes);
  add_scopes(claims, "scp", identity.scopes);
  identity.caller = caller_from(claims, {policy.caller_claim, "sub"});
  if (identity.caller.empty()) return invalid("the token names no caller (no " + policy.caller_claim + " or sub claim)");
  if (auto refused = scope_refusal(identity.scopes, policy)) return *refused;
  return identity;
}

}  // namespace fleetmcp::gateway::oauth
