#include <doctest/doctest.h>

#include "tools/bind_parameters.h"
#include "tools/tool.h"

using namespace fleetmcp::tools;
using nlohmann::json;

TEST_CASE("placeholders are counted by the lexer: strings, comments and dollar bodies do not count") {
  CHECK(highest_placeholder("SELECT 1") == 0);
  CHECK(highest_placeholder("SELECT $1::int + $3, '$7', $$ $9 $$ -- $8") == 3);
  CHECK(highest_placeholder("SELECT $99999999999999999999999") == kMostBindParameters + 1);
  CHECK_FALSE(highest_placeholder("SELECT 'unterminated, $1").has_value());
}

TEST_CASE("params must give exactly one value per placeholder") {
  CHECK_THROWS_WITH_AS(bind_parameters({{"params", json::array()}}, "SELECT $1::int + 1"),
                       "the statement uses $1 (1 parameter) but params has 0 values: give exactly one value per "
                       "placeholder, in order ($1 is params[0]).",
                       ToolArgumentError);
  CHECK_THROWS_WITH_AS(bind_parameters({{"params", {1}}}, "SELECT $1::int + $2"),
                       doctest::Contains("uses $1 … $2 (2 parameters) but params has 1 value:"), ToolArgumentError);
  CHECK_THROWS_WITH_AS(bind_parameters({{"params", {1, 2}}}, "SELECT 1"),
                       doctest::Contains("params has 2 values but the statement uses no $n placeholders"),
                       ToolArgumentError);
  CHECK(bind_parameters(json::object(), "SELECT 1").empty());
  // Text that does not lex is left to the guard, which names the real fault.
  CHECK(bind_parameters({{"params", {1}}}, "SELECT 'unterminated").size() == 1);
  auto values = bind_parameters({{"params", {41, "it's", true, nullptr, {{"a", 1}}}}}, "SELECT $1, $2, $3, $4, $5");
  REQUIRE(values.size() == 5);
  CHECK(*values[0] == "41");
  CHECK(*values[1] == "it's");
  CHECK(*values[2] == "true");
  CHECK_FALSE(values[3].has_value());
  CHECK(*values[4] == "{\"a\":1}");
}

TEST_CASE("a NUL byte in a value is refused, naming the parameter") {
  json params = {"a", "b", std::string("before\0after", 12)};
  CHECK_THROWS_WITH_AS(bind_parameters({{"params", params}}, "SELECT $1, $2, $3"),
                       doctest::Contains("params[2] ($3) holds a NUL byte"), ToolArgumentError);
}

TEST_CASE("more values than the protocol carries are refused before the placeholders are read") {
  json params = json::array();
  for (std::size_t i = 0; i <= kMostBindParameters; ++i) params.push_back(i);
  CHECK_THROWS_WITH_AS(bind_parameters({{"params", params}}, "SELECT $1"),
                       doctest::Contains("params has 65536 values; PostgreSQL takes at most 65535 bind parameters"),
                       ToolArgumentError);
}
