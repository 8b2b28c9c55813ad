#include "tools/arguments.h"

#include <cmath>

#include "tools/tool.h"

namespace fleetmcp::tools {
namespace {

const nlohmann::json* find_argument(const nlohmann::json& arguments, const char* name) {
  if (!arguments.is_object()) return nullptr;
  auto it = arguments.find(name);
  if (it == arguments.end() || it->is_null()) return nullptr;
  return &*it;
}

// A client may send 1e300 for a count; casting a double outside int64's
// range is undefined behaviour, so the range is checked first.
bool is_whole_int64(double number) {
  return number >= -0x1p63 && number < 0x1p63 && number == std::trunc(number);
}

}  // namespace

std::string required_string(const nlohmann::json& arguments, const char* name) {
  auto value = optional_string(arguments, name);
  if (!value || value->empty()) throw ToolArgumentError(std::string{"argument '"} + name + "' is required (a string)");
  return *value;
}

std::optional<std::string> optional_string(const nlohmann::json& arguments, const char* name) {
  const nlohmann::json* value = find_argument(arguments, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string())
    throw ToolArgumentError(std::string{"argument '"} + name + "' must be a string, got " + value->type_name());
  return value->get<std::string>();
}

std::int64_t integer_in_range(const nlohmann::json& arguments, const char* name, std::int64_t fallback,
                              std::int64_t minimum, std::int64_t maximum) {
  const nlohmann::json* value = find_argument(arguments, name);
  if (value == nullptr) return fallback;
  std::int64_t number = 0;
  if (value->is_number_integer()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_float() && is_whole_int64(value->get<double>())) {
    number = static_cast<std::int64_t>(value->get<double>());
  } else {
    throw ToolArgumentError(std::string{"argument '"} + name + "' must be a whole number, got " + value->dump());
  }
  if (number < minimum || number > maximum)
    throw ToolArgumentError(std::string{"argument '"} + name + "' must be between " + std::to_string(minimum) +
                            " and " + std::to_string(maximum) + ", got " + std::to_string(number));
  return number;
}

bool optional_bool(const nlohmann::json& arguments, const char* name, bool fallback) {
  const nlohmann::json* value = find_argument(arguments, name);
  if (value == nullptr) return fallback;
  if (!value->is_boolean())
    throw ToolArgumentError(std::string{"argument '"} + name + "' must be true or false, got " + value->dump());
  return value->get<bool>();
}

void require_identifier(const char* argument, const std::string& name) {
  if (name.find('\0') != std::string::npos)
    throw ToolArgumentError(std::string{"argument '"} + argument +
                            "' holds a NUL byte (\\u0000), which no PostgreSQL name contains.");
  if (name.size() > kLongestIdentifier)
    throw ToolArgumentError(std::string{"argument '"} + argument + "' is " + std::to_string(name.size()) +
                            " bytes long; PostgreSQL names are at most " + std::to_string(kLongestIdentifier) +
                            " bytes, so nothing has that name. list_schemas and list_tables show the names.");
}

void require_readable_schema(const Config& config, const std::string& schema) {
  require_identifier("schema", schema);
  if (!config.is_readable_schema(schema))
    throw ToolArgumentError("schema '" + schema + "' is not readable through fleetmcp. Readable schemas: " +
                            config.readable_schemas_text() + ".");
}

std::string quote_identifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + '"';
}

std::string text_array_literal(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  return literal + "}";
}

}  // namespace fleetmcp::tools
