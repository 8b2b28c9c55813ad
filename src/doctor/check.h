// One line of `fleetmcp doctor` output: what was checked, what was found, and
// for a failure the fix to apply. The checks produce these; the command prints them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fleetmcp::doctor {

struct Check {
  bool ok = false;
  std::string title;   // "TCP reachable"
  std::string detail;  // what was found, in a sentence
  std::string fix;     // empty when ok; may span several lines (SQL to run)

  static Check pass(std::string title, std::string detail) { return {true, std::move(title), std::move(detail), {}}; }
  static Check fail(std::string title, std::string detail, std::string fix) {
    return {false, std::move(title), std::move(detail), std::move(fix)};
  }
};

// {"a", "b"} → "a, b" (or with another separator, e.g. "\n" between fixes).
std::string joined(const std::vector<std::string>& items, const std::string& separator = ", ");

// "✔ title: detail" or "✘ title: detail" with the fix indented below it.
void print_check(std::ostream& out, const Check& check);

}  // namespace fleetmcp::doctor
