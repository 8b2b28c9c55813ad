// "Did you mean …?" for names an analyst (or the model) got slightly wrong.
#pragma once

#include <string>
#include <vector>

namespace fleetmcp::tools {

// Up to `limit` candidates closest to `wanted` (edit distance, case-insensitive;
// a candidate containing `wanted`, or contained in it, counts as close), best first.
std::vector<std::string> close_matches(const std::string& wanted, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

// {"a", "b", "c"} → "a, b or c": the names of a "Did you mean …?".
std::string one_of(const std::vector<std::string>& names);

}  // namespace fleetmcp::tools
