// A query that asks for a period relative to now() and gets no rows has
// usually asked past the end of the data (the demo's ends a month before
// now()). The answer then says so, and where to look, instead of a bare [].
#pragma once

#include <string>

namespace fleetmcp::tools {

// The hint for an empty result of `sql`, or "" when it compares with no
// current time (now(), current_date, current_timestamp, localtimestamp).
std::string empty_result_hint(const std::string& sql);

// `answer` is a query tool's JSON object text: adds "hint": hint to it.
void add_hint(std::string& answer, const std::string& hint);

}  // namespace fleetmcp::tools
