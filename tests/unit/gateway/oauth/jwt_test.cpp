// Tests the JWT checks with keys made in the test: good RS256, PS256 and
// ES256 tokens, and each way a token must be refused — forged signature,
// alg none, HS256 keyed with the public key, unknown kid, a key of the other
// type, wrong iss or aud, expired, not yet valid, missing scope, oversized,
// bad base64url.
#include <doctest/doctest.h>

#include "gateway/oauth/jwt.h"
#include "test_keys.h"

using namespace fleetmcp::gateway::oauth;
using namespace fleetmcp::gateway::oauth::testing;
using nlohmann::json;

namespace {

constexpr std::int64_t now = 1'800'000'000;

JwtPolicy policy() {
  JwtPolicy policy;
  policy.issuer = "https://id.example.com/realms/fleet";
  policy.audience = "https://fleetmcp.example.com/mcp";
  policy.required_scopes = {"fleetmcp:query"};
  return policy;
}

json claims() {
  return {{"iss", "https://id.example.com/realms/fleet"}, {"aud", "https://fleetmcp.example.com/mcp"},
          {"sub", "f1d2c3"}, {"preferred_username", "amina"}, {"scope", "openid fleetmcp:query"},
          {"exp", now + 300}, {"iat", now - 10}, {"nbf", now - 10}};
}

struct Issuer {
  Key rsa = rsa_key();
  Key ec = ec_key();
  JwkSet keys = parse_jwks(json{{"keys", {jwk_of(rsa, "rsa-1"), jwk_of(ec, "ec-1")}}});
};

Issuer& issuer() {
  static Issuer shared;  // RSA key generation is slow: one per test run
  return shared;
}

// The verdict on `token` against the issuer's keys: the caller, or "refused: why".
std::string verdict(const std::string& token, const JwtPolicy& rules = policy()) {
  auto decoded = decode_jwt(token, rules);
  if (auto* refused = std::get_if<JwtRefusal>(&decoded)) return "invalid_token: " + refused->description;
  const auto& jwt = std::get<DecodedJwt>(decoded);
  auto result = verify_jwt(jwt, issuer().keys.find(jwt.kid, jwt.kid_given), rules, now);
  if (auto* refused = std::get_if<JwtRefusal>(&result))
    return (refused->kind == JwtRefusal::Kind::insufficient_scope ? "insufficient_scope: " : "invalid_token: ") +
           refused->description;
  return std::get<JwtIdentity>(result).caller;
}

std::string rs256(const json& body, const std::string& kid = "rsa-1") {
  return jwt(issuer().rsa, {{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", kid}}, body);
}

}  // namespace

TEST_CASE("good RS256, PS256 and ES256 tokens name the analyst") {
  CHECK(verdict(rs256(claims())) == "amina");
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "PS256"}, {"kid", "rsa-1"}}, claims())) == "amina");
  CHECK(verdict(jwt(issuer().ec, {{"alg", "ES256"}, {"kid", "ec-1"}}, claims())) == "amina");
}

TEST_CASE("aud may be an array, scp may carry the scope, the caller claim is configurable with sub behind it") {
  json body = claims();
  body["aud"] = {"account", "https://fleetmcp.example.com/mcp"};
  body.erase("scope");
  body["scp"] = {"fleetmcp:query"};
  CHECK(verdict(rs256(body)) == "amina");
  body["scp"] = "profile fleetmcp:query";  // Entra ID writes scp as a string
  CHECK(verdict(rs256(body)) == "amina");
  JwtPolicy by_email = policy();
  by_email.caller_claim = "email";
  CHECK(verdict(rs256(body), by_email) == "f1d2c3");
  body["email"] = "amina@example.com";
  CHECK(verdict(rs256(body), by_email) == "amina@example.com");
}

TEST_CASE("the caller is sanitised for the audit line") {
  json body = claims();
  body["preferred_username"] = std::string("ami\nna\x1b[31m") + std::string(300, 'x');
  const std::string caller = verdict(rs256(body));
  CHECK(caller.size() == 128);
  CHECK(caller.starts_with("ami?na?[31m"));
  body["preferred_username"] = "";
  body.erase("sub");
  CHECK(verdict(rs256(body)).starts_with("invalid_token: the token names no caller"));
}

TEST_CASE("a forged signature is refused") {
  const Key other = rsa_key();
  CHECK(verdict(jwt(other, {{"alg", "RS256"}, {"kid", "rsa-1"}}, claims())) ==
        "invalid_token: the signature does not verify");
  // A valid signature over other claims, moved onto changed ones.
  const std::string good = rs256(claims());
  json changed = claims();
  changed["preferred_username"] = "admin";
  const std::string spliced = signing_input({{"alg", "RS256"}, {"typ", "at+jwt"}, {"kid", "rsa-1"}}, changed) +
                              good.substr(good.rfind('.'));
  CHECK(verdict(spliced) == "invalid_token: the signature does not verify");
  const Key other_ec = ec_key();
  CHECK(verdict(jwt(other_ec, {{"alg", "ES256"}, {"kid", "ec-1"}}, claims())) ==
        "invalid_token: the signature does not verify");
}

TEST_CASE("alg none, HS256 keyed with the public key and an alg of the other key type are refused") {
  const std::string none = signing_input({{"alg", "none"}, {"kid", "rsa-1"}}, claims()) + ".";
  CHECK(verdict(none).starts_with("invalid_token: the JWT signature is missing"));
  CHECK(verdict(signing_input({{"alg", "none"}}, claims()) + ".c2ln").starts_with("invalid_token: alg none is not accepted"));
  const std::string hs = hs256_jwt(public_pem(issuer().rsa), {{"alg", "HS256"}, {"kid", "rsa-1"}}, claims());
  CHECK(verdict(hs).starts_with("invalid_token: alg HS256 is not accepted"));
  // An EC-signed token claiming RS256, and an RSA key asked for ES256.
  CHECK(verdict(jwt(issuer().ec, {{"alg", "ES256"}, {"kid", "rsa-1"}}, claims())) ==
        "invalid_token: alg ES256 does not match the issuer's key rsa-1");
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "RS256"}, {"kid", "ec-1"}}, claims())) ==
        "invalid_token: alg RS256 does not match the issuer's key ec-1");
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}}, claims()))
            .starts_with("invalid_token: the JWT header has crit"));
}

TEST_CASE("only access tokens: typ JWT or at+jwt, and no ID or refresh token marked as such") {
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "RS256"}, {"kid", "rsa-1"}, {"typ", "JWT"}}, claims())) == "amina");
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "RS256"}, {"kid", "rsa-1"}}, claims())) == "amina");
  CHECK(verdict(jwt(issuer().rsa, {{"alg", "RS256"}, {"kid", "rsa-1"}, {"typ", "logout+jwt"}}, claims())) ==
        "invalid_token: the JWT's typ is not that of an access token (JWT or at+jwt)");
  json id_token = claims();
  id_token["typ"] = "ID";
  CHECK(verdict(rs256(id_token)) == "invalid_token: the token is an ID or refresh token, not an access token");
  id_token["typ"] = "Bearer";  // Keycloak's access tokens
  CHECK(verdict(rs256(id_token)) == "amina");
}

TEST_CASE("a key pinned to one alg refuses the others") {
  JwtPolicy rules = policy();
  const JwkSet pinned = parse_jwks(json{{"keys", {jwk_of(issuer().rsa, "rsa-1", "RS256")}}});
  const std::string ps = jwt(issuer().rsa, {{"alg", "PS256"}, {"kid", "rsa-1"}}, claims());
  const auto decoding = decode_jwt(ps, rules);
  const auto& decoded = std::get<DecodedJwt>(decoding);
  auto result = verify_jwt(decoded, pinned.find("rsa-1", true), rules, now);
  REQUIRE(std::holds_alternative<JwtRefusal>(result));
  CHECK(std::get<JwtRefusal>(result).description == "alg PS256 does not match the issuer's key rsa-1");
}

TEST_CASE("an unknown kid, or no kid with several keys, finds no key") {
  CHECK(verdict(rs256(claims(), "rotated-away")) == "invalid_token: no key of the issuer has kid rotated-away");
  const std::string no_kid = jwt(issuer().rsa, {{"alg", "RS256"}}, claims());
  CHECK(verdict(no_kid) == "invalid_token: the token has no kid and the issuer publishes more than one key");
  const JwkSet single = parse_jwks(json{{"keys", {jwk_of(issuer().rsa, "rsa-1")}}});
  const auto decoding = decode_jwt(no_kid, policy());
  const auto& decoded = std::get<DecodedJwt>(decoding);
  CHECK(std::holds_alternative<JwtIdentity>(verify_jwt(decoded, single.find(decoded.kid, decoded.kid_given), policy(), now)));
}

TEST_CASE("iss, aud, exp, nbf and iat are checked, with 60 s of skew") {
  json body = claims();
  body["iss"] = "https://id.example.com/realms/fleet/";  // a trailing slash is another issuer
  CHECK(verdict(rs256(body)) == "invalid_token: the token's issuer is not https://id.example.com/realms/fleet");
  body = claims();
  body["aud"] = "https://other.example.com/mcp";
  CHECK(verdict(rs256(body)) == "invalid_token: the token's audience does not include https://fleetmcp.example.com/mcp");
  body["aud"] = json::array({"account"});
  CHECK(verdict(rs256(body)).starts_with("invalid_token: the token's audience"));
  body.erase("aud");
  CHECK(verdict(rs256(body)).starts_with("invalid_token: the token's audience"));
  body = claims();
  body["exp"] = now - 61;
  CHECK(verdict(rs256(body)) == "invalid_token: the token expired");
  body["exp"] = now - 59;
  CHECK(verdict(rs256(body)) == "amina");
  body.erase("exp");
  CHECK(verdict(rs256(body)) == "invalid_token: the token has no exp claim");
  body = claims();
  body["exp"] = "tomorrow";
  CHECK(verdict(rs256(body)) == "invalid_token: the exp claim is not a number");
  body = claims();
  body["exp"] = 1e300;  // finite, but no date: refused, never converted
  CHECK(verdict(rs256(body)) == "invalid_token: the exp claim is out of range");
  body = claims();
  body["nbf"] = now + 120;
  CHECK(verdict(rs256(body)) == "invalid_token: the token is not valid yet (nbf)");
  body["nbf"] = now + 30;
  CHECK(verdict(rs256(body)) == "amina");
  body = claims();
  body["iat"] = now + 3600;
  CHECK(verdict(rs256(body)).starts_with("invalid_token: the token was issued in the future"));
}

TEST_CASE("a token without the required scope is insufficient_scope, not invalid") {
  json body = claims();
  body["scope"] = "openid profile";
  CHECK(verdict(rs256(body)) == "insufficient_scope: the token lacks the scope fleetmcp:query");
  body["scope"] = "fleetmcp:query-all";  // a prefix is not the scope
  CHECK(verdict(rs256(body)).starts_with("insufficient_scope"));
  body.erase("scope");
  CHECK(verdict(rs256(body)).starts_with("insufficient_scope"));
  JwtPolicy any_scope = policy();
  any_scope.required_scopes.clear();
  CHECK(verdict(rs256(body), any_scope) == "amina");
  // Scope is checked last: a bad signature is invalid_token whatever the scope.
  CHECK(verdict(jwt(rsa_key(), {{"alg", "RS256"}, {"kid", "rsa-1"}}, body)) == "invalid_token: the signature does not verify");
}

TEST_CASE("an oversized token, bad base64url and malformed parts are refused before any key is looked at") {
  json body = claims();
  body["padding"] = std::string(17 * 1024, 'x');
  CHECK(verdict(rs256(body)) == "invalid_token: the token is longer than 16384 bytes");
  const std::string good = rs256(claims());
  CHECK(verdict(good + "=") == "invalid_token: the JWT signature is missing or not base64url");
  CHECK(verdict("e30+." + good.substr(good.find('.') + 1)) == "invalid_token: the JWT header is not base64url-encoded JSON");
  std::string padded = good;
  padded.insert(padded.find('.'), "==");
  CHECK(verdict(padded) == "invalid_token: the JWT header is not base64url-encoded JSON");
  CHECK(verdict("a.b") == "invalid_token: the token is neither a known static token nor a JWT");
  CHECK(verdict("a.b.c.d") == "invalid_token: the token is neither a known static token nor a JWT");
  const std::string array_header = encode_base64url("[1]") + good.substr(good.find('.'));
  CHECK(verdict(array_header) == "invalid_token: the JWT header is not base64url-encoded JSON");
  CHECK(verdict(signing_input({{"kid", "rsa-1"}}, claims()) + ".c2ln") == "invalid_token: the JWT header has no alg");
}
