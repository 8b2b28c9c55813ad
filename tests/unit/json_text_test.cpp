// The direct JSON writers must write what nlohmann::json's compact dump
// writes: the answers they build are compared byte for byte by clients' caches.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "json_text.h"

using nlohmann::json;

namespace {

std::string dumped(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string written_string(std::string_view text) {
  std::string out;
  fleetmcp::append_json_string(out, text);
  return out;
}

}  // namespace

TEST_CASE("strings are escaped as dump() escapes them") {
  const std::string all_ascii = [] {
    std::string text;
    for (int c = 1; c < 0x80; ++c) text += static_cast<char>(c);
    return text;
  }();
  for (std::string text : {std::string{}, std::string{"plain"}, std::string{"quote \" and \\ backslash"},
                           std::string{"\b\f\n\r\t\x01\x1f\x7f"}, std::string("nul \0 inside", 12),
                           std::string{"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x9A\x97"}, all_ascii}) {
    CAPTURE(text);
    CHECK(written_string(text) == dumped(text));
  }
}

TEST_CASE("invalid UTF-8 is replaced as dump() replaces it") {
  for (std::string text : {"\xFF", "a\xC3", "\xC3(", "\xED\xA0\x80 surrogate", "\xF4\x90\x80\x80", "\xC0\xAF",
                           "ok \xE2\x82 cut", "\"\xFE\""}) {
    CAPTURE(text);
    CHECK(written_string(text) == dumped(text));
    CHECK(fleetmcp::is_valid_utf8(text) == false);
  }
}

TEST_CASE("numbers are written as dump() writes them") {
  std::string out;
  fleetmcp::JsonAppender append{out};
  for (double value : {0.0, -0.0, 1.0, 0.1, 1620.0524, 36.801041107480394, 1e16, 1e-7, 123456789012345678.0,
                       std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()}) {
    out.clear();
    append.number(value);
    CHECK(out == dumped(value));
  }
  for (std::int64_t value : {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min(),
                             std::numeric_limits<std::int64_t>::max()}) {
    out.clear();
    append.integer(value);
    CHECK(out == dumped(value));
  }
  out.clear();
  append.number(std::nan(""));
  CHECK(out == "null");
}

TEST_CASE("values go through one serializer onto the same string") {
  std::string out = "[";
  fleetmcp::JsonAppender append{out};
  append.value(json{{"b", 1}, {"a", {1.5, "x"}}});
  append.raw(',');
  append.string("y");
  append.raw(']');
  CHECK(out == R"([{"a":[1.5,"x"],"b":1},"y"])");
}

TEST_CASE("escaping in place writes what appending writes, between the given ends") {
  for (std::string text : {std::string{}, std::string{"plain"}, std::string{"\"q\" \\ \n\x01 caf\xC3\xA9"},
                           std::string(1000, '"'), std::string{"{\"rows\":[[1,\"a\"]]}"}}) {
    CAPTURE(text);
    std::string expected = "<before>";
    fleetmcp::append_json_string_body(expected, text);
    expected += "<after>\n";
    std::string in_place = text;
    REQUIRE(fleetmcp::wrap_as_json_string_body(in_place, "<before>", "<after>\n"));
    CHECK(in_place == expected);
  }
  std::string invalid = "bad \xFF";
  CHECK_FALSE(fleetmcp::wrap_as_json_string_body(invalid, "[", "]"));
  CHECK(invalid == "bad \xFF");
}
