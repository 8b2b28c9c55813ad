// Runs one guarded statement in the session's read-only, rolled-back
// transaction and streams its rows into an export file (one row held at a
// time, db/row_stream.h), up to the export's row and byte bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/session.h"
#include "db/value_encoder.h"
#include "export/export_file.h"
#include "export/export_format.h"

namespace fleetmcp::exports {

struct ExportRequest {
  std::string statement;  // passed the guard; one statement, no trailing ';'
  std::vector<std::optional<std::string>> params;
  Format format = Format::csv;
  std::size_t max_rows = 0;
  std::uint64_t max_bytes = 0;  // of the file; the row that would cross it is not written
  int timeout_s = 300;
  // Called with the plan (EXPLAIN VERBOSE JSON) in the same transaction just
  // before the statement runs; throws to stop it (src/plan_guard/).
  std::function<void(const std::string& plan_json)> check_plan;
  // Every few thousand rows: rows and bytes so far. False: stop (cancelled).
  std::function<bool(std::size_t rows, std::uint64_t bytes)> on_progress = [](std::size_t, std::uint64_t) {
    return true;
  };
};

struct ExportOutcome {
  std::size_t rows = 0;
  bool truncated = false;
  std::string truncated_reason;  // "rows" | "bytes" | ""
  std::vector<std::string> columns;
  std::string preview;  // the file's first lines, for the model to see the shape
  double elapsed_ms = 0;
};

// Thrown when on_progress asked to stop.
struct ExportCancelled : std::runtime_error {
  ExportCancelled() : std::runtime_error("the export was cancelled by the client") {}
};

// Throws what the statement threw (pqxx::sql_error …), ExportWriteError, or
// ExportCancelled; the file is then left uncommitted (its owner removes it).
ExportOutcome run_export(db::Session& session, const db::TypeCatalog& types, const ExportRequest& request,
                         ExportFile& file);

}  // namespace fleetmcp::exports
