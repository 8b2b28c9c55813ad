// Tests MCP header value decoding: whitespace, the =?base64?…?= sentinel, and
// the values no header may carry.
#include <string>

#include <doctest/doctest.h>

#include "gateway/header_values.h"

using fleetmcp::gateway::decode_header_value;
using fleetmcp::gateway::trim_ows;

TEST_CASE("trim_ows drops spaces and tabs at both ends only") {
  CHECK(trim_ows("  query\t") == "query");
  CHECK(trim_ows("\t a b \t") == "a b");
  CHECK(trim_ows("") == "");
  CHECK(trim_ows(" \t ") == "");
  CHECK(trim_ows("\r\nx") == "\r\nx");  // CR and LF are not optional whitespace
}

TEST_CASE("a plain value comes back trimmed and unchanged") {
  CHECK(decode_header_value(" tools/call ") == "tools/call");
  CHECK(decode_header_value("") == "");
  CHECK(decode_header_value("a\tb") == "a\tb");  // an inner tab is allowed
  CHECK(decode_header_value("caf\xc3\xa9") == "caf\xc3\xa9");  // obs-text passes as bytes
}

TEST_CASE("the Base64 sentinel decodes to the bytes meant") {
  CHECK(decode_header_value("=?base64?cXVlcnk=?=") == "query");
  CHECK(decode_header_value("  =?base64?cXVlcnk=?=  ") == "query");
  CHECK(decode_header_value("=?base64?Y2Fmw6k=?=") == "caf\xc3\xa9");
  CHECK(decode_header_value("=?base64?YQ==?=") == "a");
  CHECK(decode_header_value("=?base64?YWI=?=") == "ab");
  CHECK(decode_header_value("=?base64?YWJj?=") == "abc");
  CHECK(decode_header_value("=?base64?" "?=") == "");  // split: "??=" would read as a trigraph
  // A line break, which no header may carry raw, travels encoded.
  CHECK(decode_header_value("=?base64?YQpi?=") == "a\nb");
}

TEST_CASE("something that merely looks like the sentinel stays as it is") {
  CHECK(decode_header_value("=?base64?cXVlcnk=") == "=?base64?cXVlcnk=");  // no suffix
  CHECK(decode_header_value("=?BASE64?cXVlcnk=?=") == "=?BASE64?cXVlcnk=?=");  // the prefix is case-sensitive
  CHECK(decode_header_value("=?base64?") == "=?base64?");
}

TEST_CASE("a malformed sentinel is refused") {
  CHECK_FALSE(decode_header_value("=?base64?cXVlcnk?="));    // length not a multiple of 4
  CHECK_FALSE(decode_header_value("=?base64?cX*lcnk=?="));   // not in the alphabet
  CHECK_FALSE(decode_header_value("=?base64?cXVl-nk=?="));   // base64url is not the encoding
  CHECK_FALSE(decode_header_value("=?base64?YQ=b?="));       // data after padding
  CHECK_FALSE(decode_header_value("=?base64?Y===?="));       // too much padding
  CHECK_FALSE(decode_header_value("=?base64?cXV lcnk?="));   // inner space
}

TEST_CASE("control characters and DEL are refused, raw") {
  CHECK_FALSE(decode_header_value("a\nb"));
  CHECK_FALSE(decode_header_value("a\rb"));
  CHECK_FALSE(decode_header_value(std::string("a\0b", 3)));
  CHECK_FALSE(decode_header_value("a\x7f"));
  CHECK_FALSE(decode_header_value("\x1b[31m"));
}
