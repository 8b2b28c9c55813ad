// JWT access tokens (RFC 7519, RFC 9068) as an OAuth resource server checks
// them: the JOSE header and signature against the issuer's keys, then
// iss, aud, exp/nbf/iat and the scopes, and who the token speaks for.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/oauth/jwks.h"

namespace fleetmcp::gateway::oauth {

struct JwtPolicy {
  std::string issuer;                 // iss must equal it exactly
  std::string audience;               // aud (string or array) must contain it
  std::vector<std::string> required_scopes;  // each in scope or scp
  std::string caller_claim = "preferred_username";  // then sub
  std::int64_t leeway_s = 60;         // clock skew allowed on exp, nbf and iat
  std::size_t max_token_bytes = 16 * 1024;
};

// Why a token is refused. invalid_token → 401, insufficient_scope → 403 (RFC 6750 §3.1).
struct JwtRefusal {
  // issuer_unavailable: nothing is known about the token, because the keys to
  // check it could not be fetched (the issuer was down when the gateway
  // started and still is): a server problem, not a bad token.
  enum class Kind { invalid_token, insufficient_scope, issuer_unavailable } kind = Kind::invalid_token;
  std::string description;  // plain words, no token content beyond claim names
};

// The common refusal: a 401 invalid_token saying why.
inline JwtRefusal invalid(std::string description) { return {JwtRefusal::Kind::invalid_token, std::move(description)}; }

// A token split and decoded, its signature not yet checked.
struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string signing_input;  // "header.payload" as sent
  std::string signature;
  std::string alg;
  std::string kid;
  bool kid_given = false;
};

struct JwtIdentity {
  std::string caller;  // sanitised for the audit line
  std::vector<std::string> scopes;
};

// Structure only: three strict base64url parts, JSON header and claims, a
// supported alg (never none or HS*), no crit.
std::variant<DecodedJwt, JwtRefusal> decode_jwt(std::string_view token, const JwtPolicy& policy);

// Signature with the key the header names (nullptr: none known), then the claims.
std::variant<JwtIdentity, JwtRefusal> verify_jwt(const DecodedJwt& token, const Jwk* key, const JwtPolicy& policy,
                                                 std::int64_t now_s);

// Whether a string has a JWS compact form's shape (two dots): a static token never has.
bool looks_like_jwt(std::string_view token);

// Printable ASCII, at most 128 bytes; anything else becomes '?'. The name a
// JWT gives lands in audit lines and logs, where control characters or a
// megabyte name do harm.
std::string sanitised_caller(std::string_view name);

}  // namespace fleetmcp::gateway::oauth
