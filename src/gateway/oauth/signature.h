// JWS signature algorithms (RFC 7518 §3) the gateway accepts, and their
// verification with OpenSSL EVP. Asymmetric only: an HMAC "alg" would let
// anyone holding the public key (everyone) sign tokens.
#pragma once

#include <string>
#include <string_view>

struct evp_pkey_st;

namespace fleetmcp::gateway::oauth {

struct JwsAlgorithm {
  std::string_view name;   // "RS256"
  std::string_view kty;    // the JWK type that may verify it: "RSA" or "EC"
  std::string_view curve;  // EC: the JWK crv it needs
  enum class Scheme { pkcs1, pss, ecdsa } scheme;
  int digest_bits;         // 256, 384, 512
};

// nullptr for anything not in the list (none, HS256, EdDSA…).
const JwsAlgorithm* find_jws_algorithm(std::string_view name);

// "RS256, RS384, …": for messages.
std::string supported_jws_algorithms();

// Whether `signature` (JOSE form: raw r||s for ECDSA) signs `input` under `key`.
bool verify_jws_signature(const JwsAlgorithm& algorithm, evp_pkey_st* key, std::string_view input,
                          std::string_view signature);

}  // namespace fleetmcp::gateway::oauth
