// Runs one already-guarded statement and encodes its rows as compact JSON as
// they arrive, stopping at the row cap or the byte cap; a large answer can be
// handed on piece by piece while the rest is still being read.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/except>

#include "db/session.h"
#include "db/value_encoder.h"
#include "db/wrapped_statement.h"

namespace fleetmcp::db {

struct QueryRequest {
  std::string statement;                          // exactly one statement, no trailing ';'
  std::vector<std::optional<std::string>> params; // $1..$n as text; nullopt = NULL
  std::size_t max_rows = 1000;
  std::size_t max_bytes = 1024 * 1024;            // encoded rows
  std::size_t max_cell_bytes = 64 * 1024;
  int timeout_s = 30;
  // Run as `SELECT * FROM (statement) LIMIT max_rows + 1` (wrapped_statement.h);
  // false for EXPLAIN, which cannot stand in a FROM clause.
  bool wrap = true;
  // When set (wrapped statements only): called with the statement's
  // EXPLAIN (VERBOSE, FORMAT JSON) text (kPlanPrefix), read in the same
  // transaction just before it runs; it throws to stop the statement (hidden
  // calls and the runaway guard, src/plan_guard/).
  std::function<void(const std::string& plan_json)> check_plan;
  // Every so many rows read: rows so far. Return false to stop (client cancelled).
  std::function<bool(std::size_t rows_so_far)> on_batch = [](std::size_t) { return true; };
  // When set, a large answer is handed over as it grows (whole rows, the
  // answer's text from its start, in order), so that writing it overlaps
  // reading it; QueryResult::text then holds only what was not handed over.
  // Return false when nobody reads the answer any more: the statement stops.
  std::function<bool(std::string_view answer_text)> write_ahead;
  // Once part of the answer is handed over, an error can no longer replace
  // it: it goes into the answer ("error"), in the words this gives it.
  std::function<std::string(const pqxx::sql_error&)> describe_error;
};

struct QueryResult {
  // The tool's answer, written once as the rows arrive:
  // {"columns":[{"name":…,"type":…},…],"rows":[[…],…],"row_count":…,"truncated":…,
  //  "truncated_reason":…,["cells_cut":…,]["error":…,]"time_zone":…,"elapsed_ms":…}
  // (only its unsent end when part of it went to write_ahead).
  std::string text;
  std::size_t handed_over = 0;         // bytes of the answer given to write_ahead
  std::size_t rows_bytes = 0;          // of the "rows" array, brackets included: what max_bytes caps
  std::size_t row_count = 0;
  std::size_t column_count = 0;
  bool truncated = false;
  std::string truncated_reason;        // "rows" | "bytes" | "error" | ""
  std::size_t cells_cut = 0;           // cells longer than max_cell_bytes
  // An error after part of the answer was handed over: its text is in the
  // answer's "error" field, its SQLSTATE here ("" when it had none).
  bool failed = false;
  std::string error_sqlstate;
  std::string error_message;
  double elapsed_ms = 0;
};

// Thrown when on_batch asked to stop.
struct QueryCancelled : std::runtime_error {
  QueryCancelled() : std::runtime_error("the query was cancelled by the client") {}
};

QueryResult run_query(Session& session, const TypeCatalog& types, const QueryRequest& request);

// The statement's EXPLAIN (VERBOSE, FORMAT JSON) text (kPlanPrefix), read in
// `tx` with the same parameters: what QueryRequest::check_plan is given.
std::string read_plan(pqxx::nontransaction& tx, const std::string& statement,
                      const std::vector<std::optional<std::string>>& params);

}  // namespace fleetmcp::db
