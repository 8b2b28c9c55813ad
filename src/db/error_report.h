// Turns a PostgreSQL error into what an analyst needs: SQLSTATE, message,
// detail, hint, the statement line with a caret, and a plain next step.
#pragma once

#include <string>

namespace pqxx {
class sql_error;
}

namespace fleetmcp::db {

struct ErrorReport {
  std::string sqlstate;  // e.g. "42703"
  std::string message;   // primary message, without the "ERROR:" prefix
  std::string detail;
  std::string hint;
  std::string context;   // "LINE 1: …" and the caret line, pointing into the analyst's statement
  std::string advice;    // fleetmcp's plain-language next step, may be empty

  // The whole report as the text of a tool error.
  std::string to_text() const;
};

struct ErrorAdviceInputs {
  std::string readable_schemas;  // "reporting, tracksolid, tickets, fuel"
  int timeout_s = 30;
  std::string timescaledb_version = "";  // empty: TimescaleDB is not installed (or not known)
  bool timescale_edition = false;   // compression, continuous aggregates, time_bucket_gapfill
};

// `libpq_message` is the full error text libpq formats (what pqxx::sql_error
// carries). When the statement ran inside the wrapper (wrapped_statement.h),
// LINE numbers are shifted back so they count lines of the analyst's own
// statement, and an error in the wrapper's closing line is reported as at the
// end of the statement: with `wrapped_statement` (what the wrapper wrapped)
// the caret then stands after its last line, as psql draws it.
ErrorReport make_error_report(const std::string& sqlstate, const std::string& libpq_message,
                              bool statement_was_wrapped, const ErrorAdviceInputs& inputs,
                              const std::string& wrapped_statement = "");

// "LINE 2: …text of line 2…\n          ^" for a 0-based byte offset into
// `statement`, as PostgreSQL draws it (used for the guard's refusals).
std::string caret_context(const std::string& statement, std::size_t offset);

// The same from the exception libpqxx throws (filling in a SQLSTATE that
// libpqxx 7.10 leaves empty for some error classes, e.g. 42501).
ErrorReport make_error_report(const pqxx::sql_error& failure, bool statement_was_wrapped,
                              const ErrorAdviceInputs& inputs, const std::string& wrapped_statement = "");

}  // namespace fleetmcp::db
