// Checks of the values a prompt's arguments take (dates, months, counts,
// names), each turned into the SQL literal the prompt's query shows. A bad
// value throws PromptArgumentError saying what was expected, with an example.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fleetmcp::context {

struct PromptArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Longest text value a prompt or a completion accepts.
inline constexpr std::size_t kLongestArgumentValue = 200;

// "2026-10-05" (a real calendar day) → itself.
std::string checked_date(std::string_view argument, std::string_view value);
// "2026-10" → "2026-10-01".
std::string checked_month(std::string_view argument, std::string_view value);
// "1".."100" → the number.
int checked_limit(std::string_view argument, std::string_view value);
// Any short text without control characters; `what` is for the error, e.g. "a region".
std::string checked_text(std::string_view argument, std::string_view value);

// 'O''Brien': a PostgreSQL string literal.
std::string sql_literal(std::string_view text);

}  // namespace fleetmcp::context
