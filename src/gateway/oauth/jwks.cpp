// JWK members → EVP_PKEY through OSSL_PARAM_BLD and EVP_PKEY_fromdata (the
// OpenSSL 3 way: no deprecated RSA_/EC_KEY calls).
#include "gateway/oauth/jwks.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "gateway/oauth/base64url.h"

namespace fleetmcp::gateway::oauth {
namespace {

using nlohmann::json;

// Weaker RSA keys are refused: NIST has disallowed them for signatures since 2013.
constexpr int min_rsa_bits = 2048;

struct KeyRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string member_text(const json& key, const char* name) {
  const auto found = key.find(name);
  if (found == key.end()) return {};
  if (!found->is_string()) throw KeyRefused(std::string(name) + " is not a string");
  return found->get<std::string>();
}

std::string member_bytes(const json& key, const char* name) {
  const std::string text = member_text(key, name);
  if (text.empty()) throw KeyRefused(std::string(name) + " is missing");
  auto bytes = decode_base64url(text);
  if (!bytes) throw KeyRefused(std::string(name) + " is not base64url");
  return *bytes;
}

struct ParamsDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct BuilderDeleter {
  void operator()(OSSL_PARAM_BLD* builder) const { OSSL_PARAM_BLD_free(builder); }
};
struct BignumDeleter {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct ContextDeleter {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;

Bignum bignum(const std::string& big_endian) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()), static_cast<int>(big_endian.size()),
                          nullptr));
}

std::shared_ptr<EVP_PKEY> key_from(const char* type, OSSL_PARAM_BLD* builder) {
  std::unique_ptr<OSSL_PARAM, ParamsDeleter> params(OSSL_PARAM_BLD_to_param(builder));
  std::unique_ptr<EVP_PKEY_CTX, ContextDeleter> context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    throw KeyRefused("OpenSSL does not accept it as a public key");
  std::shared_ptr<EVP_PKEY> owned(key, EVP_PKEY_free);
  // fromdata takes an EC point as given; a point off the curve must not verify anything.
  std::unique_ptr<EVP_PKEY_CTX, ContextDeleter> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) throw KeyRefused("the public key fails OpenSSL's check");
  return owned;
}

std::shared_ptr<EVP_PKEY> rsa_key(const json& jwk) {
  const Bignum n = bignum(member_bytes(jwk, "n"));
  const Bignum e = bignum(member_bytes(jwk, "e"));
  std::unique_ptr<OSSL_PARAM_BLD, BuilderDeleter> builder(OSSL_PARAM_BLD_new());
  if (!n || !e || !builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    throw KeyRefused("n or e cannot be read");
  auto key = key_from("RSA", builder.get());
  if (EVP_PKEY_get_bits(key.get()) < min_rsa_bits)
    throw KeyRefused("RSA key of " + std::to_string(EVP_PKEY_get_bits(key.get())) + " bits (at least 2048 needed)");
  return key;
}

std::shared_ptr<EVP_PKEY> ec_key(const json& jwk, const std::string& crv) {
  const char* group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : nullptr;
  if (group == nullptr) throw KeyRefused("curve " + (crv.empty() ? std::string("(none)") : crv) + " is not supported");
  const std::size_t size = crv == "P-256" ? 32 : 48;
  const std::string x = member_bytes(jwk, "x");
  const std::string y = member_bytes(jwk, "y");
  if (x.size() != size || y.size() != size) throw KeyRefused("x and y must be " + std::to_string(size) + " bytes each");
  const std::string point = '\x04' + x + y;  // SEC 1 uncompressed form
  std::unique_ptr<OSSL_PARAM_BLD, BuilderDeleter> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    throw KeyRefused("x or y cannot be read");
  return key_from("EC", builder.get());
}

Jwk read_key(const json& entry) {
  if (!entry.is_object()) throw KeyRefused("not an object");
  Jwk jwk;
  jwk.kid = member_text(entry, "kid");
  jwk.kty = member_text(entry, "kty");
  jwk.alg = member_text(entry, "alg");
  const std::string use = member_text(entry, "use");
  if (!use.empty() && use != "sig") throw KeyRefused("use " + use + " (not a signing key)");
  if (const auto ops = entry.find("key_ops"); ops != entry.end()) {
    if (!ops->is_array() || std::find(ops->begin(), ops->end(), json("verify")) == ops->end())
      throw KeyRefused("key_ops does not include verify");
  }
  if (jwk.kty == "RSA") {
    jwk.key = rsa_key(entry);
  } else if (jwk.kty == "EC") {
    jwk.crv = member_text(entry, "crv");
    jwk.key = ec_key(entry, jwk.crv);
  } else {
    throw KeyRefused("kty " + (jwk.kty.empty() ? std::string("(none)") : jwk.kty) + " is not supported (RSA or EC only)");
  }
  return jwk;
}

}  // namespace

const Jwk* JwkSet::find(const std::string& kid, bool kid_given) const {
  if (!kid_given) return keys.size() == 1 ? &keys.front() : nullptr;
  for (const auto& key : keys)
    if (key.kid == kid) return &key;
  return nullptr;
}

JwkSet parse_jwks(const json& document) {
  if (!document.is_object() || !document.contains("keys") || !document["keys"].is_array())
    throw JwksError("the JWKS is not a JSON object with a \"keys\" array");
  JwkSet set;
  std::size_t index = 0;
  for (const auto& entry : document["keys"]) {
    try {
      set.keys.push_back(read_key(entry));
    } catch (const KeyRefused& refused) {
      const std::string kid = entry.is_object() && entry.contains("kid") && entry["kid"].is_string()
                                  ? "kid " + entry["kid"].get<std::string>()
                                  : "key #" + std::to_string(index + 1);
      set.skipped.push_back(kid + ": " + refused.what());
    }
    ++index;
  }
  return set;
}

}  // namespace fleetmcp::gateway::oauth
