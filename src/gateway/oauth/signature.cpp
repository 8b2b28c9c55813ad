// The JWS algorithm table and EVP_DigestVerify, with ECDSA's raw r||s turned
// into the DER that OpenSSL verifies.
#include "gateway/oauth/signature.h"

#include <array>
#include <memory>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

namespace fleetmcp::gateway::oauth {
namespace {

using Scheme = JwsAlgorithm::Scheme;

constexpr std::array<JwsAlgorithm, 8> algorithms{{
    {"RS256", "RSA", "", Scheme::pkcs1, 256},
    {"RS384", "RSA", "", Scheme::pkcs1, 384},
    {"RS512", "RSA", "", Scheme::pkcs1, 512},
    {"PS256", "RSA", "", Scheme::pss, 256},
    {"PS384", "RSA", "", Scheme::pss, 384},
    {"PS512", "RSA", "", Scheme::pss, 512},
    {"ES256", "EC", "P-256", Scheme::ecdsa, 256},
    {"ES384", "EC", "P-384", Scheme::ecdsa, 384},
}};

const EVP_MD* digest_for(int bits) {
  return bits == 256 ? EVP_sha256() : bits == 384 ? EVP_sha384() : EVP_sha512();
}

// JOSE carries r and s as two fixed-size big-endian halves (RFC 7518 §3.4);
// EVP wants an ASN.1 ECDSA-Sig-Value. Empty when the size is wrong.
std::string ecdsa_der(const JwsAlgorithm& algorithm, std::string_view raw) {
  const std::size_t half = algorithm.digest_bits == 256 ? 32 : 48;
  if (raw.size() != 2 * half) return {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  BIGNUM* r = BN_bin2bn(bytes, static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes + half, static_cast<int>(half), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) return {};
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

}  // namespace

const JwsAlgorithm* find_jws_algorithm(std::string_view name) {
  for (const auto& algorithm : algorithms)
    if (algorithm.name == name) return &algorithm;
  return nullptr;
}

std::string supported_jws_algorithms() {
  std::string names;
  for (const auto& algorithm : algorithms) names += (names.empty() ? "" : ", ") + std::string(algorithm.name);
  return names;
}

bool verify_jws_signature(const JwsAlgorithm& algorithm, EVP_PKEY* key, std::string_view input,
                          std::string_view signature) {
  std::string der;
  if (algorithm.scheme == Scheme::ecdsa) {
    der = ecdsa_der(algorithm, signature);
    if (der.empty()) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;  // owned by `context`
  if (!context ||
      EVP_DigestVerifyInit(context.get(), &key_context, digest_for(algorithm.digest_bits), nullptr, key) != 1)
    return false;
  if (algorithm.scheme == Scheme::pss &&
      (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, RSA_PSS_SALTLEN_DIGEST) != 1))
    return false;
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

}  // namespace fleetmcp::gateway::oauth
