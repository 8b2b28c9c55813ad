// How the query tool's statement is wrapped into the server-side cursor, and
// what of that wrapping an error report must hide from the analyst.
#pragma once

#include <cstddef>
#include <string>

namespace fleetmcp::db {

// The cursor is declared on a line of its own so that PostgreSQL's "LINE n:"
// error context, less one, counts lines of the analyst's statement.
inline constexpr const char* kCursorPrefix = "DECLARE fleetmcp_cursor NO SCROLL CURSOR FOR SELECT * FROM (\n";
// What follows the statement, on a line of its own (a trailing -- comment
// must not swallow it). An error located here is at the statement's end.
inline constexpr const char* kCursorSuffixStart = ") AS fleetmcp_rows LIMIT ";

// The statement as the cursor runs it. With LIMIT max_rows + 1 around it the
// planner knows how many rows will be fetched. A cursor alone is planned for
// its first 10% (cursor_tuple_fraction): a fast-start index scan that made an
// aggregate over a million time-ordered rows 4x slower. Session::begin sets
// the fraction to 1, and the LIMIT keeps the fast start where it pays (ORDER
// BY ts over a big table without a LIMIT of its own). The guard has checked
// that the statement's parentheses balance, so it cannot close the wrapper's.
inline std::string cursor_statement(const std::string& statement, std::size_t max_rows) {
  return kCursorPrefix + statement + "\n" + kCursorSuffixStart + std::to_string(max_rows + 1);
}

}  // namespace fleetmcp::db
