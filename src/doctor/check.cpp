#include "doctor/check.h"

namespace fleetmcp::doctor {

void print_check(std::ostream& out, const Check& check) {
  out << (check.warning ? "⚠ " : check.ok ? "✔ " : "✘ ") << check.title << ": " << check.detail << '\n';
  if (check.fix.empty()) return;
  std::string prefix = "    fix: ";
  std::size_t start = 0;
  while (start < check.fix.size()) {
    std::size_t end = check.fix.find('\n', start);
    if (end == std::string::npos) end = check.fix.size();
    out << prefix << check.fix.substr(start, end - start) << '\n';
    prefix = "         ";
    start = end + 1;
  }
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

}  // namespace fleetmcp::doctor
