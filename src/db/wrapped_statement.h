// How the query tool's statement is wrapped before it runs, and what of that
// wrapping an error report must hide from the analyst.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetmcp::db {

// The wrapper opens on a line of its own so that PostgreSQL's "LINE n:"
// error context, less one, counts lines of the analyst's statement.
inline constexpr const char* kWrapperPrefix = "SELECT * FROM (\n";
// What follows the statement, on a line of its own (a trailing -- comment
// must not swallow it). An error located here is at the statement's end.
inline constexpr const char* kWrapperSuffixStart = ") AS fleetmcp_rows LIMIT ";

// The statement as it runs. As a subquery in FROM it can only be a query:
// PostgreSQL itself refuses INSERT/UPDATE/DELETE/MERGE there, and a WITH
// holding one ("must be at the top level"), whatever the lexer missed. With
// LIMIT max_rows + 1 around it the planner knows how many rows are wanted
// (one more than the cap, to tell that the answer was cut), and the server
// stops producing rows there. It runs as one extended-protocol execution
// without a portal row limit, so PostgreSQL may plan it in parallel (a
// cursor never is). The guard has checked that the statement's parentheses
// balance, so it cannot close the wrapper's.
inline std::string wrapped_statement(const std::string& statement, std::size_t max_rows) {
  return kWrapperPrefix + statement + "\n" + kWrapperSuffixStart + std::to_string(max_rows + 1);
}

// How the statement's plan is asked for before it runs, in the same
// transaction (QueryRequest::check_plan). VERBOSE: only then does a plan show
// what each node outputs, schema-qualified, after views are expanded and SQL
// functions inlined (the calls src/side_effects/plan_calls.h looks for); the
// cost figures the runaway guard reads are the same. On its own line, so
// "LINE n:" in errors is renumbered as for the wrapper's prefix.
inline constexpr std::string_view kPlanPrefix = "EXPLAIN (VERBOSE, FORMAT JSON)\n";

}  // namespace fleetmcp::db
