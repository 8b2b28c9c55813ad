// Tests strict base64url: round trips, and every non-canonical spelling refused.
#include <doctest/doctest.h>

#include "gateway/oauth/base64url.h"

using namespace fleetmcp::gateway::oauth;

TEST_CASE("base64url round-trips every length and uses - and _") {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    CHECK(decode_base64url(encode_base64url(bytes)) == bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
  CHECK(encode_base64url("\xfb\xff") == "-_8");
  CHECK(decode_base64url("-_8") == std::string("\xfb\xff"));
  CHECK(decode_base64url("") == std::string());
}

TEST_CASE("base64url refuses padding, the + / alphabet, whitespace, 4n+1 lengths and non-zero tail bits") {
  CHECK_FALSE(decode_base64url("YQ=="));
  CHECK_FALSE(decode_base64url("+/8"));
  CHECK_FALSE(decode_base64url("YW Jj"));
  CHECK_FALSE(decode_base64url("YWJjZ"));
  CHECK(decode_base64url("YQ") == std::string("a"));
  CHECK_FALSE(decode_base64url("YR"));  // "a" with a stray low bit: a second spelling
  CHECK_FALSE(decode_base64url(std::string("YQ\0", 3)));
}
