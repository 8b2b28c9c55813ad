// The two shapes an export is written in, row by row onto a buffer: CSV
// (csv_text.h) and JSON Lines, one object per row with the values typed as
// the query tool types them (db/value_encoder.h), never cut.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/value_encoder.h"
#include "json_text.h"

namespace fleetmcp::exports {

enum class Format { csv, jsonl };

// "csv" / "jsonl", or nullopt.
std::optional<Format> format_named(std::string_view name);
std::string_view format_name(Format format);
std::string_view file_extension(Format format);  // "csv" / "jsonl"
std::string_view media_type(Format format);      // "text/csv" / "application/jsonl"

class RowFormatter {
 public:
  // `described`: any result of the statement (a row, or its empty end).
  // Rows are appended to `out`, the caller's buffer.
  RowFormatter(Format format, const PGresult* described, const db::TypeCatalog& types, std::string& out);

  const std::vector<std::string>& column_names() const { return names_; }

  // CSV: the header line; JSON Lines: nothing (each object names its columns).
  void append_header();
  // One row (a single-row result) and its line end.
  void append_row(const PGresult* row);

 private:
  Format format_;
  const db::TypeCatalog& types_;
  std::vector<std::string> names_;
  std::vector<unsigned> type_oids_;
  std::vector<std::string> json_keys_;  // "\"name\":" for each column, written once
  std::string& out_;
  JsonAppender json_;  // built once: a serializer per row would cost more than the row
};

}  // namespace fleetmcp::exports
