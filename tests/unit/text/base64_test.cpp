// Base64 with padding (RFC 4648 §10's test vectors) and bytes above 0x7f.
#include <doctest/doctest.h>

#include "text/base64.h"

using fleetmcp::text::base64;

TEST_CASE("base64 encodes RFC 4648's test vectors with padding") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foo") == "Zm9v");
  CHECK(base64("foobar") == "Zm9vYmFy");
  CHECK(base64("\xfb\xff") == "+/8=");  // the two characters base64url spells otherwise
}
