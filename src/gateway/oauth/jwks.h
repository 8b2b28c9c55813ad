// A JSON Web Key Set (RFC 7517) turned into OpenSSL public keys: the RSA and
// EC (P-256, P-384) signing keys an authorization server publishes at its
// jwks_uri. Keys that cannot sign tokens for us are skipped with a reason.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

struct evp_pkey_st;

namespace fleetmcp::gateway::oauth {

struct Jwk {
  std::string kid;  // may be empty
  std::string kty;  // "RSA" or "EC"
  std::string crv;  // EC only: "P-256" or "P-384"
  std::string alg;  // the key's own "alg", if it names one: tokens must then use exactly it
  std::shared_ptr<evp_pkey_st> key;
};

struct JwkSet {
  std::vector<Jwk> keys;
  std::vector<std::string> skipped;  // "kid abc: use enc (not a signing key)", for --check and the log

  // The key a token's kid names; with no kid, the only key (nullptr otherwise).
  const Jwk* find(const std::string& kid, bool kid_given) const;
};

struct JwksError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws JwksError unless `document` is an object with a "keys" array.
JwkSet parse_jwks(const nlohmann::json& document);

}  // namespace fleetmcp::gateway::oauth
