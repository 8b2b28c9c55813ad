// The `params` argument of query and explain: JSON values → the text
// PostgreSQL parses for $1..$n, checked against the statement's placeholders
// before anything is sent, so a miscount is answered as the caller's mistake
// (the server's own answer, 08P01, reads like a lost connection).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::tools {

// The wire protocol counts bind parameters in 16 bits.
inline constexpr std::size_t kMostBindParameters = 65535;

// The input-schema property both tools declare.
nlohmann::json params_property_schema();

// The highest $n the statement refers to (0 for none), read with the SQL
// lexer, so "$1" inside a string or comment does not count. Saturates above
// kMostBindParameters. nullopt when the text does not lex: the guard then
// says what is wrong with it, more precisely than a count could.
std::optional<std::size_t> highest_placeholder(std::string_view sql);

// Throws ToolArgumentError when params is not an array, holds more values
// than the protocol carries, a string with a NUL byte, or not exactly one
// value per placeholder of `sql`.
std::vector<std::optional<std::string>> bind_parameters(const nlohmann::json& arguments, std::string_view sql);

}  // namespace fleetmcp::tools
