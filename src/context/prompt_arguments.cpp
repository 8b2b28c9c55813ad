#include "context/prompt_arguments.h"

#include <algorithm>

namespace fleetmcp::context {
namespace {

bool digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int number(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

[[noreturn]] void refuse(std::string_view argument, const std::string& expected, std::string_view value) {
  const std::string shown = value.size() > 40 ? std::string(value.substr(0, 40)) + "…" : std::string(value);
  throw PromptArgumentError("argument '" + std::string(argument) + "': expected " + expected + ", got \"" + shown +
                            "\"");
}

bool year_and_month(std::string_view text, int& year, int& month) {
  if (text.size() != 7 || text[4] != '-' || !digits(text.substr(0, 4)) || !digits(text.substr(5, 2))) return false;
  year = number(text.substr(0, 4));
  month = number(text.substr(5, 2));
  return year >= 1900 && month >= 1 && month <= 12;
}

}  // namespace

std::string checked_date(std::string_view argument, std::string_view value) {
  int year = 0, month = 0;
  const bool shaped = value.size() == 10 && value[7] == '-' && year_and_month(value.substr(0, 7), year, month) &&
                      digits(value.substr(8, 2));
  if (!shaped || number(value.substr(8, 2)) < 1 || number(value.substr(8, 2)) > days_in(year, month))
    refuse(argument, "a calendar date as YYYY-MM-DD, e.g. 2026-10-05", value);
  return std::string(value);
}

std::string checked_month(std::string_view argument, std::string_view value) {
  int year = 0, month = 0;
  if (!year_and_month(value, year, month)) refuse(argument, "a month as YYYY-MM, e.g. 2026-10", value);
  return std::string(value) + "-01";
}

int checked_limit(std::string_view argument, std::string_view value) {
  if (!digits(value) || value.size() > 3 || number(value) < 1 || number(value) > 100)
    refuse(argument, "a whole number from 1 to 100, e.g. 10", value);
  return number(value);
}

std::string checked_text(std::string_view argument, std::string_view value) {
  if (value.empty() || value.size() > kLongestArgumentValue)
    refuse(argument, "a non-empty name of at most " + std::to_string(kLongestArgumentValue) + " bytes", value);
  if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return c < 0x20 || c == 0x7F; }))
    refuse(argument, "a name without control characters (NUL, newline…)", value);
  return std::string(value);
}

std::string sql_literal(std::string_view text) {
  std::string literal = "'";
  for (char c : text) literal += c == '\'' ? std::string("''") : std::string(1, c);
  return literal + "'";
}

}  // namespace fleetmcp::context
