// Reading and checking tool arguments, with errors that name the argument and
// say what was expected (they become isError results for the model to fix).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config.h"

namespace fleetmcp::tools {

std::string required_string(const nlohmann::json& arguments, const char* name);
std::optional<std::string> optional_string(const nlohmann::json& arguments, const char* name);
// A whole number in [minimum, maximum]; `fallback` when absent or null.
std::int64_t integer_in_range(const nlohmann::json& arguments, const char* name, std::int64_t fallback,
                              std::int64_t minimum, std::int64_t maximum);
bool optional_bool(const nlohmann::json& arguments, const char* name, bool fallback);

// PostgreSQL keeps names to NAMEDATALEN - 1 bytes.
inline constexpr std::size_t kLongestIdentifier = 63;

// Throws ToolArgumentError for a name no PostgreSQL object can have: longer
// than 63 bytes or holding a NUL byte (refused before any catalog search).
void require_identifier(const char* argument, const std::string& name);

// Throws ToolArgumentError unless `schema` is one of MCP_READABLE_SCHEMAS.
void require_readable_schema(const Config& config, const std::string& schema);

// "Odd Schema" → "\"Odd Schema\"": always quoted, so any name is safe and exact.
std::string quote_identifier(const std::string& name);

// {"a","b c"} → the text form of a PostgreSQL text[] for a bind parameter.
std::string text_array_literal(const std::vector<std::string>& items);

}  // namespace fleetmcp::tools
