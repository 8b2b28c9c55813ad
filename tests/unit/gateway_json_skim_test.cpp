// Tests the top-level skim of JSON objects that lets the gateway pass a
// child's answer through as text: member spans, strings with escapes, nesting,
// and refusal of anything that is not one balanced object.
#include <string>

#include <doctest/doctest.h>

#include "gateway/json_skim.h"

using namespace fleetmcp::gateway;

namespace {

std::string value_of(std::string_view text, std::string_view key) {
  const auto members = top_level_members(text);
  REQUIRE(members);
  const SkimmedMember* member = find_member(*members, key);
  REQUIRE(member != nullptr);
  return std::string(text.substr(member->value_offset, member->value_size));
}

}  // namespace

TEST_CASE("each top-level member's value is found as written") {
  const std::string text = R"({"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"{\"id\":7}"}],"isError":false}})";
  const auto members = top_level_members(text);
  REQUIRE(members);
  REQUIRE(members->size() == 3);
  CHECK((*members)[0].key == "jsonrpc");
  CHECK(value_of(text, "jsonrpc") == "\"2.0\"");
  CHECK(value_of(text, "id") == "42");  // the top-level one, not the "id" inside the text
  CHECK(value_of(text, "result") == R"({"content":[{"type":"text","text":"{\"id\":7}"}],"isError":false})");
  CHECK(find_member(*members, "error") == nullptr);
}

TEST_CASE("whitespace, literals and negative numbers are skimmed") {
  const std::string text = " {\n \"a\" : true ,\t\"b\":null,\"c\":-1.5e3, \"d\" : [ 1 , [2] , {\"e\":\"]\"} ] } \r\n";
  CHECK(value_of(text, "a") == "true");
  CHECK(value_of(text, "b") == "null");
  CHECK(value_of(text, "c") == "-1.5e3");
  CHECK(value_of(text, "d") == R"([ 1 , [2] , {"e":"]"} ])");
}

TEST_CASE("escaped quotes and backslashes inside strings do not end them") {
  CHECK(value_of(R"({"s":"a\"b","id":1})", "id") == "1");
  CHECK(value_of(R"({"s":"ends in a backslash\\","id":2})", "s") == R"("ends in a backslash\\")");
  CHECK(value_of(R"({"s":"\\\"}","id":3})", "id") == "3");
  CHECK(value_of(R"({"k\"ey":4})", "k\\\"ey") == "4");  // keys keep their escapes
}

TEST_CASE("an empty object has no members") {
  const auto members = top_level_members(" {} ");
  REQUIRE(members);
  CHECK(members->empty());
}

TEST_CASE("a large string value is skimmed whole") {
  std::string rows;
  for (int i = 0; i < 20000; ++i) rows += R"([\"x\",1,\"q\\\\\"],)";
  const std::string text = R"({"id":9,"result":{"text":")" + rows + R"("}})";
  CHECK(value_of(text, "id") == "9");
  CHECK(value_of(text, "result").size() == text.size() - std::string(R"({"id":9,"result":})").size());
}

TEST_CASE("anything but one balanced object is refused") {
  const char* refused[] = {
      "",
      "[]",
      "\"id\"",
      "{",
      "{\"id\":1",
      "{\"id\":1,}",
      "{\"id\" 1}",
      "{\"id\":}",
      "{id:1}",
      "{\"id\":\"unterminated}",
      "{\"a\":[1,2}",
      "{\"a\":{\"b\":1]}}",
      "{\"id\":1}{\"id\":2}",
      "{\"id\":1} x",
      "{} {}",
  };
  for (const char* text : refused) {
    CAPTURE(text);
    CHECK_FALSE(top_level_members(text));
  }
}
