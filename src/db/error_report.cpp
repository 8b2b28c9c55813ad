#include "db/error_report.h"

#include "db/wrapped_statement.h"

#include <algorithm>
#include <sstream>

#include <pqxx/except>
#include <vector>

namespace fleetmcp::db {
namespace {

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

std::string after_label(const std::string& line) {
  std::size_t colon = line.find(':');
  std::size_t start = line.find_first_not_of(' ', colon + 1);
  return start == std::string::npos ? std::string{} : line.substr(start);
}

// "LINE 2: select …" → "LINE 1: select …" when our DECLARE line came first.
std::string renumber_line(const std::string& line, bool wrapped, int& width_change) {
  width_change = 0;
  if (!wrapped) return line;
  std::size_t colon = line.find(':');
  int number = std::atoi(line.c_str() + 5);
  if (number <= 1 || colon == std::string::npos) return line;
  std::string renumbered = "LINE " + std::to_string(number - 1) + line.substr(colon);
  width_change = static_cast<int>(renumbered.size()) - static_cast<int>(line.size());
  return renumbered;
}

// "function time_bucket(unknown, …) does not exist": say what the database
// offers instead of suggesting casts that cannot help.
std::string missing_time_function_advice(const std::string& message, const ErrorAdviceInputs& inputs) {
  auto names = [&message](const char* function) {
    return message.find(std::string{"function "} + function + "(") != std::string::npos;
  };
  if (names("time_bucket_gapfill") || names("locf") || names("interpolate")) {
    if (!inputs.timescaledb_version.empty() && inputs.timescale_edition) return "";
    return std::string{"time_bucket_gapfill, locf and interpolate need TimescaleDB's Timescale edition; "} +
           (inputs.timescaledb_version.empty() ? "TimescaleDB is not installed here" : "this database has the Apache edition") +
           ". Fill gaps by joining generate_series(start, stop, interval '1 hour') with the bucketed rows.";
  }
  if (!inputs.timescaledb_version.empty()) return "";
  if (names("time_bucket"))
    return "time_bucket is TimescaleDB's and TimescaleDB is not installed in this database: use "
           "date_bin(interval '15 minutes', ts, timestamptz '2000-01-01') for any width, or date_trunc('hour', ts).";
  if (names("first") || names("last"))
    return "first() and last() are TimescaleDB's and TimescaleDB is not installed in this database: use "
           "(array_agg(value ORDER BY ts))[1] (DESC for the last), or SELECT DISTINCT ON (key) … ORDER BY key, ts.";
  if (names("approximate_row_count"))
    return "approximate_row_count is TimescaleDB's and TimescaleDB is not installed in this database: list_tables "
           "gives estimated_rows.";
  return "";
}

// "permission denied for function pg_read_file" → "pg_read_file"; "" otherwise.
std::string denied_function(const std::string& message) {
  const std::string prefix = "permission denied for function ";
  return starts_with(message, prefix.c_str()) ? message.substr(prefix.size()) : std::string{};
}

// A standby cancels a query when replaying the primary's changes needs what
// the query holds (row versions VACUUM removed, a lock): 40001, or 40P01 for
// a buffer-pin deadlock. Nothing in the statement was wrong.
bool is_recovery_conflict(const std::string& sqlstate, const std::string& message) {
  return (sqlstate == "40001" || sqlstate == "40P01") && message.find("conflict with recovery") != std::string::npos;
}

std::string advice_for(const std::string& sqlstate, const std::string& message, const ErrorAdviceInputs& inputs) {
  if (is_recovery_conflict(sqlstate, message))
    return "The database is a read replica (streaming standby): it cancelled this query because replaying the "
           "primary's changes needed the rows or the lock the query held (DETAIL says which). The statement is "
           "fine: run it again, and keep it short (a narrow time range). If it keeps happening, the operator can "
           "set hot_standby_feedback = on on the standby (the primary then keeps the rows standby queries read) or "
           "raise max_standby_streaming_delay (e.g. '5min'; replay then waits longer for queries), or point "
           "DATABASE_URL at the primary.";
  if (sqlstate == "42501" && !denied_function(message).empty())
    return denied_function(message) +
           " needs privileges the analytics role does not have (it is reserved to superusers or roles granted it); "
           "fleetmcp cannot call it. Use list_functions to see the functions you may call.";
  if (sqlstate == "42501")
    return "The analytics role cannot read that object. Readable schemas: " + inputs.readable_schemas +
           " (use list_tables to see what is there).";
  if (sqlstate == "57014" && message.find("statement timeout") != std::string::npos)
    return "The query ran longer than " + std::to_string(inputs.timeout_s) +
           " s and was stopped. Narrow it: filter on a time range (e.g. ts >= now() - interval '7 days'), aggregate "
           "before returning rows, or add LIMIT.";
  if (sqlstate == "57014") return "The query was cancelled.";
  if (sqlstate == "25006")
    return "fleetmcp is read-only: writes are not allowed. Rewrite the request as a SELECT.";
  if (sqlstate == "42P01")
    return "Use list_tables to see the tables and views of a schema, and qualify names with their schema "
           "(e.g. tracksolid.positions).";
  if (sqlstate == "08P01" && message.find("bind message supplies") != std::string::npos)
    return "The number of params must match the statement's $n placeholders: give exactly one value per $1, $2 …, "
           "in order.";
  if (sqlstate == "3F000")
    return "Readable schemas: " + inputs.readable_schemas + "; qualify names with one of them (use list_schemas).";
  if (sqlstate == "42703") return "Use describe_table to see the columns of a table.";
  if (sqlstate == "0A000" && message.find("under the current \"apache\" license") != std::string::npos)
    return "This database runs TimescaleDB's Apache edition, which lacks that feature (the HINT's licence change is "
           "the operator's, not yours). For gaps in time series, join generate_series(start, stop, interval "
           "'1 hour') with time_bucket's rows.";
  if (sqlstate == "42883") {
    if (auto advice = missing_time_function_advice(message, inputs); !advice.empty()) return advice;
  }
  if (sqlstate == "42883")
    return "Check the argument types (add casts such as ::date or ::int), or use list_functions to see a schema's "
           "functions.";
  if (sqlstate == "34000" || sqlstate == "42601") return "";
  return "";
}

// libpqxx throws insufficient_privilege and too_many_connections without
// passing the SQLSTATE along; the exception's class still tells it.
std::string sqlstate_of(const pqxx::sql_error& failure) {
  if (!failure.sqlstate().empty()) return failure.sqlstate();
  if (dynamic_cast<const pqxx::insufficient_privilege*>(&failure) != nullptr) return "42501";
  if (dynamic_cast<const pqxx::too_many_connections*>(&failure) != nullptr) return "53300";
  return "";
}

}  // namespace

std::string caret_context(const std::string& statement, std::size_t offset) {
  offset = std::min(offset, statement.size());
  std::size_t line_start = statement.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string::npos || line_start >= offset) ? 0 : line_start + 1;
  if (offset > 0 && statement[offset - 1] == '\n') line_start = offset;
  std::size_t line_end = statement.find('\n', offset);
  if (line_end == std::string::npos) line_end = statement.size();
  std::size_t line_number = 1;
  for (std::size_t i = 0; i < line_start; ++i) line_number += statement[i] == '\n' ? 1 : 0;
  const std::string label = "LINE " + std::to_string(line_number) + ": ";
  std::string line = statement.substr(line_start, line_end - line_start);
  // Count characters, not bytes, so the caret stands under the right glyph.
  std::size_t column = 0;
  for (std::size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(statement[i]) & 0xC0) != 0x80) ++column;
  return label + line + "\n" + std::string(label.size() + column, ' ') + "^";
}

ErrorReport make_error_report(const pqxx::sql_error& failure, bool statement_was_wrapped,
                              const ErrorAdviceInputs& inputs, const std::string& wrapped_statement) {
  return make_error_report(sqlstate_of(failure), failure.what(), statement_was_wrapped, inputs, wrapped_statement);
}

std::string ErrorReport::to_text() const {
  std::string text = "ERROR";
  if (!sqlstate.empty()) text += " " + sqlstate;
  text += ": " + message;
  if (!context.empty()) text += "\n" + context;
  if (!detail.empty()) text += "\nDETAIL: " + detail;
  if (!hint.empty()) text += "\nHINT: " + hint;
  if (!advice.empty()) text += "\n" + advice;
  return text;
}

ErrorReport make_error_report(const std::string& sqlstate, const std::string& libpq_message,
                              bool statement_was_wrapped, const ErrorAdviceInputs& inputs,
                              const std::string& wrapped_statement) {
  ErrorReport report;
  report.sqlstate = sqlstate;
  std::istringstream lines{libpq_message};
  std::string line;
  bool first = true;
  int width_change = 0;
  bool after_line_context = false;
  bool at_end_of_statement = false;
  bool skip_caret = false;
  while (std::getline(lines, line)) {
    if (first) {
      report.message = starts_with(line, "ERROR:") ? after_label(line) : line;
      first = false;
    } else if (starts_with(line, "LINE ") && statement_was_wrapped &&
               line.find(kWrapperSuffixStart) != std::string::npos) {
      // The error lies past the analyst's last word, in the wrapper's closing
      // line: show neither that line nor its caret, and say where it is.
      at_end_of_statement = true;
      skip_caret = true;
    } else if (skip_caret && line.find_first_not_of(" ^") == std::string::npos) {
      skip_caret = false;
    } else if (starts_with(line, "LINE ")) {
      report.context += (report.context.empty() ? "" : "\n") + renumber_line(line, statement_was_wrapped, width_change);
      after_line_context = true;
    } else if (after_line_context && line.find('^') != std::string::npos &&
               line.find_first_not_of(" ^") == std::string::npos) {
      // The caret line: keep it under the same character after renumbering.
      std::string caret = line;
      if (width_change < 0) caret.erase(0, std::min<std::size_t>(caret.size(), -width_change));
      else caret.insert(0, width_change, ' ');
      report.context += "\n" + caret;
      after_line_context = false;
    } else if (starts_with(line, "DETAIL:")) {
      report.detail = after_label(line);
    } else if (starts_with(line, "HINT:")) {
      report.hint = after_label(line);
    } else if (!line.empty() && !starts_with(line, "CONTEXT:") && report.context.empty() && report.detail.empty()) {
      report.message += "\n" + line;  // multi-line primary messages
    }
  }
  if (report.message.empty()) report.message = "the database reported an error";
  if (at_end_of_statement) {
    // "at or near ")"" would name the wrapper's parenthesis, not the analyst's text.
    if (starts_with(report.message, "syntax error at or near")) report.message = "syntax error at end of input";
    else report.message += " (at the end of the statement)";
    const std::size_t end = wrapped_statement.find_last_not_of(" \t\r\n\f\v");
    if (end != std::string::npos) report.context = caret_context(wrapped_statement.substr(0, end + 1), end + 1);
  }
  report.advice = advice_for(sqlstate, report.message, inputs);
  return report;
}

}  // namespace fleetmcp::db
