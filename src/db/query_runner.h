// Runs one already-guarded statement through a server-side cursor and encodes
// the rows as compact JSON, stopping at the row cap or the byte cap.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/cursor_statement.h"
#include "db/session.h"
#include "db/value_encoder.h"

namespace fleetmcp::db {

struct QueryRequest {
  std::string statement;                          // exactly one statement, no trailing ';'
  std::vector<std::optional<std::string>> params; // $1..$n as text; nullopt = NULL
  std::size_t max_rows = 1000;
  std::size_t max_bytes = 1024 * 1024;            // encoded rows
  std::size_t max_cell_bytes = 64 * 1024;
  int timeout_s = 30;
  bool use_cursor = true;                         // false for EXPLAIN, which a cursor cannot hold
  // When set (cursor statements only): called with the statement's plain
  // EXPLAIN (FORMAT JSON) text in the same transaction before it runs; it
  // throws to stop the statement (the runaway guard, src/plan_guard/).
  std::function<void(const std::string& plan_json)> check_plan;
  // Between fetched batches: rows so far. Return false to stop (client cancelled).
  std::function<bool(std::size_t rows_so_far)> on_batch = [](std::size_t) { return true; };
};

struct QueryResult {
  // The tool's answer, written once as the rows arrive:
  // {"columns":[{"name":…,"type":…},…],"rows":[[…],…],"row_count":…,"truncated":…,
  //  "truncated_reason":…,["cells_cut":…,]"time_zone":…,"elapsed_ms":…}
  std::string text;
  std::size_t rows_bytes = 0;          // of the "rows" array, brackets included: what max_bytes caps
  std::size_t row_count = 0;
  std::size_t column_count = 0;
  bool truncated = false;
  std::string truncated_reason;        // "rows" | "bytes" | ""
  std::size_t cells_cut = 0;           // cells longer than max_cell_bytes
  double elapsed_ms = 0;
};

// Thrown when on_batch asked to stop.
struct QueryCancelled : std::runtime_error {
  QueryCancelled() : std::runtime_error("the query was cancelled by the client") {}
};

QueryResult run_query(Session& session, const TypeCatalog& types, const QueryRequest& request);

}  // namespace fleetmcp::db
