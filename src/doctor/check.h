// One line of `fleetmcp doctor` output: what was checked, what was found, and
// for a failure the fix to apply. The checks produce these; the command prints them.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace fleetmcp::doctor {

struct Check {
  bool ok = false;       // a warning is ok: it does not fail doctor
  bool warning = false;  // ok, but the operator should apply the fix
  std::string title;   // "TCP reachable"
  std::string detail;  // what was found, in a sentence
  std::string fix;     // empty when ok; may span several lines (SQL to run)

  static Check pass(std::string title, std::string detail) {
    return {true, false, std::move(title), std::move(detail), {}};
  }
  static Check fail(std::string title, std::string detail, std::string fix) {
    return {false, false, std::move(title), std::move(detail), std::move(fix)};
  }
  // Something only fleetmcp's own layers stop, not the role: reported with its
  // fix, without making doctor exit non-zero.
  static Check warn(std::string title, std::string detail, std::string fix) {
    return {true, true, std::move(title), std::move(detail), std::move(fix)};
  }
};

// {"a", "b"} → "a, b" (or with another separator, e.g. "\n" between fixes).
std::string joined(const std::vector<std::string>& items, const std::string& separator = ", ");

// "✔ title: detail", "⚠ title: detail" or "✘ title: detail", with the fix indented below it.
void print_check(std::ostream& out, const Check& check);

}  // namespace fleetmcp::doctor
