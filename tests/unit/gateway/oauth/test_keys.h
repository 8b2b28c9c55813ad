// Keys made on the spot with OpenSSL, their JWKs, and JWTs signed with them,
// for the OAuth tests: nothing here comes from a fixture file.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "gateway/oauth/base64url.h"

namespace fleetmcp::gateway::oauth::testing {

using Key = std::shared_ptr<EVP_PKEY>;

inline Key rsa_key(int bits = 2048) { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)), EVP_PKEY_free); }
inline Key ec_key(const char* curve = "P-256") { return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve), EVP_PKEY_free); }

inline std::string big_endian(const Key& key, const char* param, int pad = 0) {
  BIGNUM* number = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), param, &number) != 1) throw std::runtime_error(param);
  std::string bytes(static_cast<std::size_t>(pad > 0 ? pad : BN_num_bytes(number)), '\0');
  BN_bn2binpad(number, reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  BN_free(number);
  return bytes;
}

// The public JWK of `key`, with kid and (when given) alg.
inline nlohmann::json jwk_of(const Key& key, const std::string& kid, const std::string& alg = "") {
  nlohmann::json jwk;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    jwk = {{"kty", "RSA"}, {"n", encode_base64url(big_endian(key, OSSL_PKEY_PARAM_RSA_N))},
           {"e", encode_base64url(big_endian(key, OSSL_PKEY_PARAM_RSA_E))}};
  } else {
    const int size = EVP_PKEY_get_bits(key.get()) == 256 ? 32 : 48;
    jwk = {{"kty", "EC"}, {"crv", size == 32 ? "P-256" : "P-384"},
           {"x", encode_base64url(big_endian(key, OSSL_PKEY_PARAM_EC_PUB_X, size))},
           {"y", encode_base64url(big_endian(key, OSSL_PKEY_PARAM_EC_PUB_Y, size))}};
  }
  jwk["kid"] = kid;
  jwk["use"] = "sig";
  if (!alg.empty()) jwk["alg"] = alg;
  return jwk;
}

inline std::string public_pem(const Key& key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_PUBKEY(bio.get(), key.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// JOSE signature of `input`: RS256/PS256 as EVP makes it, ES256 as raw r||s.
inline std::string sign(const Key& key, const std::string& alg, const std::string& input) {
  const EVP_MD* digest = alg.ends_with("384") ? EVP_sha384() : alg.ends_with("512") ? EVP_sha512() : EVP_sha256();
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;
  EVP_DigestSignInit(context.get(), &key_context, digest, nullptr, key.get());
  if (alg.starts_with("PS")) {
    EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST);
  }
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(context.get(), nullptr, &size, data, input.size());
  std::string signature(size, '\0');
  EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size, data, input.size());
  signature.resize(size);
  if (!alg.starts_with("ES")) return signature;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
  const int half = alg == "ES256" ? 32 : 48;
  std::string raw(static_cast<std::size_t>(2 * half), '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), half);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + half, half);
  ECDSA_SIG_free(sig);
  return raw;
}

inline std::string signing_input(const nlohmann::json& header, const nlohmann::json& claims) {
  return encode_base64url(header.dump()) + "." + encode_base64url(claims.dump());
}

inline std::string jwt(const Key& key, const nlohmann::json& header, const nlohmann::json& claims) {
  const std::string input = signing_input(header, claims);
  return input + "." + encode_base64url(sign(key, header.value("alg", std::string{}), input));
}

// HS256 with `secret` as the HMAC key: the classic forgery with a public key.
inline std::string hs256_jwt(const std::string& secret, const nlohmann::json& header, const nlohmann::json& claims) {
  const std::string input = signing_input(header, claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &size);
  return input + "." + encode_base64url(std::string(reinterpret_cast<char*>(mac), size));
}

}  // namespace fleetmcp::gateway::oauth::testing
