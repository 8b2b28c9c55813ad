#include <doctest/doctest.h>

#include "tools/arguments.h"
#include "tools/tool.h"

using namespace fleetmcp::tools;
using nlohmann::json;

TEST_CASE("identifiers are always quoted and embedded quotes doubled") {
  CHECK(quote_identifier("positions") == "\"positions\"");
  CHECK(quote_identifier("Odd Schema") == "\"Odd Schema\"");
  CHECK(quote_identifier("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("text[] literals escape quotes and backslashes") {
  CHECK(text_array_literal({"reporting", "Odd Schema"}) == "{\"reporting\",\"Odd Schema\"}");
  CHECK(text_array_literal({"a\"b", "c\\d"}) == "{\"a\\\"b\",\"c\\\\d\"}");
  CHECK(text_array_literal({}) == "{}");
}

TEST_CASE("argument errors name the argument") {
  json arguments = {{"schema", 5}, {"n", 500}, {"flag", "yes"}};
  CHECK_THROWS_WITH_AS(required_string(arguments, "schema"), doctest::Contains("'schema' must be a string"),
                       ToolArgumentError);
  CHECK_THROWS_WITH_AS(required_string(arguments, "table"), doctest::Contains("'table' is required"),
                       ToolArgumentError);
  CHECK_THROWS_WITH_AS(integer_in_range(arguments, "n", 10, 1, 100), doctest::Contains("between 1 and 100"),
                       ToolArgumentError);
  CHECK_THROWS_AS(optional_bool(arguments, "flag", false), ToolArgumentError);
  CHECK(integer_in_range(json::object(), "n", 10, 1, 100) == 10);
  CHECK(integer_in_range(json{{"n", 7.0}}, "n", 10, 1, 100) == 7);
  CHECK_THROWS_AS(integer_in_range(json{{"n", 7.5}}, "n", 10, 1, 100), ToolArgumentError);
  // Found by the jsonrpc fuzz target: casting 1e300 to int64 was undefined behaviour.
  CHECK_THROWS_AS(integer_in_range(json{{"n", 1e300}}, "n", 10, 1, 100), ToolArgumentError);
}

TEST_CASE("only configured schemas are readable, and the error lists them") {
  fleetmcp::Config config;
  CHECK_NOTHROW(require_readable_schema(config, "reporting"));
  CHECK_THROWS_WITH_AS(require_readable_schema(config, "infrastructure"),
                       doctest::Contains("Readable schemas: reporting, tracksolid, tickets, fuel"), ToolArgumentError);
}

TEST_CASE("names no PostgreSQL object can have are refused without echoing them") {
  CHECK_NOTHROW(require_identifier("table", std::string(63, 'x')));
  CHECK_THROWS_WITH_AS(require_identifier("table", std::string(64, 'x')),
                       "argument 'table' is 64 bytes long; PostgreSQL names are at most 63 bytes, so nothing has "
                       "that name. list_schemas and list_tables show the names.",
                       ToolArgumentError);
  CHECK_THROWS_WITH_AS(require_identifier("table", std::string("a\0b", 3)),
                       "argument 'table' holds a NUL byte (\\u0000), which no PostgreSQL name contains.",
                       ToolArgumentError);
  fleetmcp::Config config;
  CHECK_THROWS_WITH_AS(require_readable_schema(config, std::string(1 << 20, 's')),
                       doctest::Contains("argument 'schema' is 1048576 bytes long"), ToolArgumentError);
}
