#include "tools/bind_parameters.h"

#include <algorithm>

#include "sql/lexer.h"
#include "tools/tool.h"

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

std::string placeholder_range(std::size_t highest) {
  if (highest == 1) return "$1 (1 parameter)";
  if (highest > kMostBindParameters) return "a $n beyond $" + std::to_string(kMostBindParameters);
  return "$1 … $" + std::to_string(highest) + " (" + std::to_string(highest) + " parameters)";
}

void require_one_value_per_placeholder(std::size_t given, std::size_t highest) {
  if (given == highest) return;
  if (highest == 0)
    throw ToolArgumentError("params has " + std::to_string(given) +
                            " values but the statement uses no $n placeholders: drop params, or refer to the values "
                            "as $1, $2 … in the SQL.");
  throw ToolArgumentError("the statement uses " + placeholder_range(highest) + " but params has " +
                          std::to_string(given) + (given == 1 ? " value" : " values") +
                          ": give exactly one value per placeholder, in order ($1 is params[0]).");
}

std::string text_value(const json& value, std::size_t index) {
  const std::string text = value.get<std::string>();
  if (text.find('\0') != std::string::npos)
    throw ToolArgumentError("params[" + std::to_string(index) + "] ($" + std::to_string(index + 1) +
                            ") holds a NUL byte (\\u0000), which PostgreSQL text cannot hold: the value would "
                            "arrive cut there. Remove it (binary data: send it base64-encoded and use "
                            "decode($" + std::to_string(index + 1) + ", 'base64')).");
  return text;
}

}  // namespace

json params_property_schema() {
  return {{"type", "array"},
          {"maxItems", kMostBindParameters},
          {"description", "Values for $1, $2, … in order, exactly one per placeholder (strings, numbers, booleans "
                          "or null)"}};
}

std::optional<std::size_t> highest_placeholder(std::string_view sql) {
  const sql::LexResult lexed = sql::lex(sql);
  if (lexed.error) return std::nullopt;
  std::size_t highest = 0;
  for (const sql::Token& token : lexed.tokens) {
    if (token.kind != sql::TokenKind::Parameter) continue;
    std::size_t number = 0;
    for (char digit : token.text.substr(1)) number = std::min(number * 10 + (digit - '0'), kMostBindParameters + 1);
    highest = std::max(highest, number);
  }
  return highest;
}

std::vector<std::optional<std::string>> bind_parameters(const json& arguments, std::string_view sql) {
  std::vector<std::optional<std::string>> values;
  const json* given = nullptr;
  if (auto it = arguments.find("params"); it != arguments.end() && !it->is_null()) given = &*it;
  if (given != nullptr && !given->is_array())
    throw ToolArgumentError("argument 'params' must be an array of values for $1, $2, …");
  const std::size_t count = given == nullptr ? 0 : given->size();
  if (count > kMostBindParameters)
    throw ToolArgumentError("params has " + std::to_string(count) + " values; PostgreSQL takes at most " +
                            std::to_string(kMostBindParameters) +
                            " bind parameters. Pass a long list as one JSON array value instead, e.g. WHERE id IN "
                            "(SELECT value::int FROM jsonb_array_elements_text($1::jsonb)) with params [[1, 2, 3]].");
  if (auto highest = highest_placeholder(sql)) require_one_value_per_placeholder(count, *highest);
  for (std::size_t i = 0; i < count; ++i) {
    const json& value = (*given)[i];
    if (value.is_null()) values.emplace_back(std::nullopt);
    else if (value.is_string()) values.emplace_back(text_value(value, i));
    else if (value.is_boolean()) values.emplace_back(value.get<bool>() ? "true" : "false");
    else values.emplace_back(value.dump());  // numbers; arrays/objects as JSON text, e.g. for a jsonb parameter
  }
  return values;
}

}  // namespace fleetmcp::tools
