// Percent-encoding: URI segments (%20 for a space) and OAuth forms ('+'),
// and decoding that refuses what would cut or forge a name.
#include <doctest/doctest.h>

#include "text/percent_encoding.h"

using namespace fleetmcp::text;

TEST_CASE("percent_encode keeps unreserved characters and escapes every other byte") {
  CHECK(percent_encode("a-b.c_d~e") == "a-b.c_d~e");
  CHECK(percent_encode("a b/\"c\" é") == "a%20b%2F%22c%22%20%C3%A9");
}

TEST_CASE("form_urlencoded writes a space as '+' and escapes '+' itself (RFC 6749 Appendix B)") {
  CHECK(form_urlencoded("a-b.c_d~e") == "a-b.c_d~e");
  CHECK(form_urlencoded("a b+c/d=e&f") == "a+b%2Bc%2Fd%3De%26f");
  CHECK(form_urlencoded("é") == "%C3%A9");
}

TEST_CASE("percent_decode refuses a NUL byte and a cut escape") {
  CHECK(percent_decode("a%41b") == std::optional<std::string>("aAb"));
  CHECK_FALSE(percent_decode("%00"));
  CHECK_FALSE(percent_decode("abc%"));
}
