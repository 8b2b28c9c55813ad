#include <doctest/doctest.h>

#include "tools/argument_names.h"

using namespace fleetmcp::tools;
using nlohmann::json;

namespace {

Tool tool_with(json properties, json required) {
  Tool tool;
  tool.name = "query";
  tool.input_schema = {{"type", "object"},
                       {"properties", std::move(properties)},
                       {"required", std::move(required)},
                       {"additionalProperties", false}};
  return tool;
}

const json kQueryProperties = {{"sql", {{"type", "string"}}},
                               {"max_rows", {{"type", "integer"}}},
                               {"params", {{"type", "array"}}},
                               {"timeout_s", {{"type", "integer"}}}};

}  // namespace

TEST_CASE("an invented argument is refused with the one meant and all accepted") {
  Tool query = tool_with(kQueryProperties, {"sql"});
  CHECK_THROWS_WITH_AS(refuse_unknown_arguments(query, {{"sql", "SELECT 1"}, {"limit", 5}}),
                       "unknown argument 'limit'; did you mean max_rows? query accepts: sql (required), max_rows, "
                       "params, timeout_s.",
                       ToolArgumentError);
  CHECK_THROWS_WITH_AS(refuse_unknown_arguments(query, {{"sql", "SELECT 1"}, {"max_row", 5}}),
                       doctest::Contains("'max_row'; did you mean max_rows?"), ToolArgumentError);
  CHECK_THROWS_WITH_AS(refuse_unknown_arguments(query, {{"sql", "SELECT 1"}, {"colour", "red"}}),
                       "unknown argument 'colour'. query accepts: sql (required), max_rows, params, timeout_s.",
                       ToolArgumentError);
}

TEST_CASE("declared arguments pass, and a tool without arguments says so") {
  Tool query = tool_with(kQueryProperties, {"sql"});
  CHECK_NOTHROW(refuse_unknown_arguments(query, {{"sql", "SELECT 1"}, {"max_rows", 5}, {"params", json::array()}}));
  Tool none = tool_with(json::object(), json::array());
  none.name = "list_schemas";
  CHECK_NOTHROW(refuse_unknown_arguments(none, json::object()));
  CHECK_THROWS_WITH_AS(refuse_unknown_arguments(none, {{"schema", "reporting"}}),
                       "unknown argument 'schema': list_schemas takes no arguments; call it with {}.",
                       ToolArgumentError);
}

TEST_CASE("a schema that allows other properties lets them through") {
  Tool open = tool_with(kQueryProperties, {"sql"});
  open.input_schema.erase("additionalProperties");
  CHECK_NOTHROW(refuse_unknown_arguments(open, {{"sql", "SELECT 1"}, {"limit", 5}}));
}
