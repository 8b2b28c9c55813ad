// Tests JWKS parsing: RSA and EC keys become EVP keys; encryption keys,
// weak RSA, unknown curves, bad coordinates and points off the curve are
// skipped with a reason; a document without "keys" is refused.
#include <doctest/doctest.h>

#include "gateway/oauth/jwks.h"
#include "test_keys.h"

using namespace fleetmcp::gateway::oauth;
using namespace fleetmcp::gateway::oauth::testing;
using nlohmann::json;

TEST_CASE("RSA, P-256 and P-384 keys are read; others skipped with why") {
  const Key rsa = rsa_key();
  const Key ec = ec_key();
  const Key ec384 = ec_key("P-384");
  json encryption = jwk_of(rsa, "enc-1");
  encryption["use"] = "enc";
  json off_curve = jwk_of(ec, "bent");
  std::string y = *decode_base64url(off_curve["y"].get<std::string>());
  y.back() = static_cast<char>(y.back() ^ 1);
  off_curve["y"] = encode_base64url(y);
  json short_x = jwk_of(ec, "short");
  short_x["x"] = encode_base64url(std::string(31, 'a'));
  const JwkSet set = parse_jwks(json{{"keys",
                                      {jwk_of(rsa, "rsa-1", "RS256"), jwk_of(ec, "ec-1"), jwk_of(ec384, "ec-384"),
                                       encryption, jwk_of(rsa_key(1024), "weak"), off_curve, short_x,
                                       {{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}},
                                       {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "AA"}}, "not an object"}}});
  REQUIRE(set.keys.size() == 3);
  CHECK(set.keys[0].kid == "rsa-1");
  CHECK(set.keys[0].alg == "RS256");
  CHECK(set.keys[1].crv == "P-256");
  CHECK(set.keys[2].crv == "P-384");
  REQUIRE(set.skipped.size() == 7);
  CHECK(set.skipped[0] == "kid enc-1: use enc (not a signing key)");
  CHECK(set.skipped[1] == "kid weak: RSA key of 1024 bits (at least 2048 needed)");
  // EVP_PKEY_fromdata refuses some points off the curve itself, the public check the rest.
  CHECK(set.skipped[2].starts_with("kid bent: "));
  CHECK(set.skipped[2].find("OpenSSL") != std::string::npos);
  CHECK(set.skipped[3] == "kid short: x and y must be 32 bytes each");
  CHECK(set.skipped[4] == "kid hmac: kty oct is not supported (RSA or EC only)");
  CHECK(set.skipped[5] == "key #9: kty OKP is not supported (RSA or EC only)");
  CHECK(set.skipped[6] == "key #10: not an object");
  CHECK(set.find("ec-1", true) == &set.keys[1]);
  CHECK(set.find("nope", true) == nullptr);
  CHECK(set.find("", false) == nullptr);  // no kid with three keys: ambiguous
}

TEST_CASE("a document without a keys array is refused") {
  CHECK_THROWS_AS(parse_jwks(json::array()), JwksError);
  CHECK_THROWS_AS(parse_jwks(json{{"keys", "none"}}), JwksError);
  CHECK(parse_jwks(json{{"keys", json::array()}}).keys.empty());
}
