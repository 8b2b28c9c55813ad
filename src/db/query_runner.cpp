#include "db/query_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include "db/row_stream.h"

namespace fleetmcp::db {
namespace {

// An answer smaller than this is written whole, in one piece, after the
// statement: handing over pieces only pays when there is a transfer to
// overlap, and until then progress can still be reported (a progress
// notification cannot cut into a line already begun).
constexpr std::size_t kHandOverAfter = 256 * 1024;
// Then pieces of about this size: large enough that a write costs little,
// small enough that the client reads while fleetmcp still fetches.
constexpr std::size_t kHandOverPiece = 64 * 1024;
// on_batch (progress, the client's cancel) every so many rows or bytes.
constexpr std::size_t kReportEveryRows = 1000;
constexpr std::size_t kReportEveryBytes = 256 * 1024;
// Beyond this the answer grows by doubling: a reservation is address space
// taken up front, and a cap far above the rows that come is common.
constexpr std::size_t kLargestReservation = 64 * 1024 * 1024;
// Rows read before the answer's size is judged for a reservation.
constexpr std::size_t kRowsBeforeReserving = 8;

enum class Taken { row, row_cap, byte_cap };

// Writes the answer into QueryResult::text as rows arrive, each row encoded
// straight into it, until the row or the byte cap is hit. That text is the
// one copy of the answer: the tool result and the MCP response take it from
// here without another (or write_ahead takes it piece by piece).
class AnswerWriter {
 public:
  AnswerWriter(QueryResult& result, const TypeCatalog& types, const QueryRequest& request)
      : result_(result), types_(types), request_(request), limits_{request.max_cell_bytes}, out_(result.text) {}

  bool started() const { return started_; }

  // The columns, from any result of the statement (a row, or the empty end).
  void start(const PGresult* described) {
    started_ = true;
    out_.raw("{\"columns\":[");
    const int columns = described == nullptr ? 0 : PQnfields(described);
    column_types_.clear();
    for (int i = 0; i < columns; ++i) {
      column_types_.push_back(PQftype(described, i));
      if (i > 0) out_.raw(',');
      out_.raw("{\"name\":");
      out_.string(PQfname(described, i));
      out_.raw(",\"type\":");
      out_.string(types_.display_name(column_types_.back()));
      out_.raw('}');
    }
    result_.column_count = static_cast<std::size_t>(columns);
    out_.raw("],\"rows\":");
    rows_start_ = position();
    out_.raw('[');
  }

  Taken append(const PGresult* row) {
    if (!started_) start(row);
    if (result_.row_count == request_.max_rows) return stop("rows", Taken::row_cap);
    const std::size_t before = result_.text.size();
    const std::size_t rows_before = position() - rows_start_;  // "[" and the rows so far
    if (result_.row_count > 0) out_.raw(',');
    const std::size_t row_start = result_.text.size();
    const std::size_t cut = encode_row(row);
    // The row, its ',' and the closing ']' must fit.
    if (rows_before + (result_.text.size() - row_start) + 2 > request_.max_bytes && result_.row_count > 0) {
      result_.text.resize(before);
      return stop("bytes", Taken::byte_cap);
    }
    result_.cells_cut += cut;
    ++result_.row_count;
    result_.rows_bytes = position() - rows_start_;
    if (result_.row_count == kRowsBeforeReserving && !request_.write_ahead) reserve();
    return Taken::row;
  }

  // Hands the answer so far to write_ahead once it is large enough; false
  // when nobody reads it any more.
  bool hand_over() {
    if (!request_.write_ahead || result_.text.size() < (result_.handed_over == 0 ? kHandOverAfter : kHandOverPiece))
      return true;
    if (!request_.write_ahead(result_.text)) return false;
    result_.handed_over += result_.text.size();
    result_.text.clear();
    return true;
  }

  bool handed_over_any() const { return result_.handed_over > 0; }

  // An error after part of the answer went out: the rows so far stand, and
  // the error is said inside the answer.
  void fail(std::string message, std::string sqlstate) {
    if (!started_) start(nullptr);
    result_.failed = true;
    result_.error_sqlstate = std::move(sqlstate);
    result_.truncated = true;
    result_.truncated_reason = "error";
    result_.error_message = std::move(message);
  }

  void finish(double elapsed_ms, const std::string& time_zone) {
    if (!started_) start(nullptr);  // never a broken answer
    out_.raw(']');
    result_.rows_bytes = position() - rows_start_;
    result_.elapsed_ms = elapsed_ms;
    out_.raw(",\"row_count\":");
    out_.integer(static_cast<std::int64_t>(result_.row_count));
    out_.raw(result_.truncated ? ",\"truncated\":true" : ",\"truncated\":false");
    out_.raw(",\"truncated_reason\":");
    if (result_.truncated_reason.empty()) out_.raw("null");
    else out_.string(result_.truncated_reason);
    if (result_.cells_cut > 0) {
      out_.raw(",\"cells_cut\":");
      out_.integer(static_cast<std::int64_t>(result_.cells_cut));
    }
    if (result_.failed) {
      out_.raw(",\"error\":");
      out_.string(result_.error_message);
    }
    // The zone every timestamptz above is shown in and every ::date counted in.
    out_.raw(",\"time_zone\":");
    out_.string(time_zone);
    out_.raw(",\"elapsed_ms\":");
    out_.number(std::round(elapsed_ms * 100) / 100);
    out_.raw('}');
  }

 private:
  std::size_t position() const { return result_.handed_over + result_.text.size(); }

  Taken stop(const char* reason, Taken taken) {
    result_.truncated = true;
    result_.truncated_reason = reason;
    result_.rows_bytes = position() - rows_start_;
    return taken;
  }

  // Room for the rows still to come, judged from the first rows, so that a
  // large answer is not copied at every doubling; and a quarter more, for the
  // escapes it gains when it becomes the response line where it stands
  // (mcp::encode_with_text): a '\\' for each '"' of the rows.
  void reserve() {
    const std::size_t average_row = result_.rows_bytes / result_.row_count + 1;
    const std::size_t rows_left = request_.max_rows + 1 - result_.row_count;
    const std::size_t bytes_left = request_.max_bytes > result_.rows_bytes ? request_.max_bytes - result_.rows_bytes : 1;
    const std::size_t expected =
        result_.text.size() + std::min({average_row * rows_left, bytes_left, kLargestReservation});
    result_.text.reserve(expected + expected / 4 + 1024);
  }

  // Returns how many cells were cut.
  std::size_t encode_row(const PGresult* row) {
    std::size_t cut = 0;
    out_.raw('[');
    for (std::size_t i = 0; i < column_types_.size(); ++i) {
      if (i > 0) out_.raw(',');
      const int column = static_cast<int>(i);
      if (PQgetisnull(row, 0, column)) {
        out_.raw("null");
        continue;
      }
      const std::string_view text{PQgetvalue(row, 0, column), static_cast<std::size_t>(PQgetlength(row, 0, column))};
      if (append_encoded_value(out_, text, column_types_[i], types_, limits_)) ++cut;
    }
    out_.raw(']');
    return cut;
  }

  QueryResult& result_;
  const TypeCatalog& types_;
  const QueryRequest& request_;
  const EncodeLimits limits_;
  JsonAppender out_;
  std::vector<unsigned> column_types_;
  bool started_ = false;
  std::size_t rows_start_ = 0;  // where the rows array's "[" is in the whole answer
};

// Reads the statement's rows into the answer, one row held at a time.
void read_rows(PGconn* connection, const std::string& statement, AnswerWriter& answer, QueryResult& result,
               const QueryRequest& request) {
  RowStream rows{connection, statement, request.params};
  std::size_t next_report_rows = kReportEveryRows;
  std::size_t next_report_bytes = kReportEveryBytes;
  while (const PGresult* row = rows.next()) {
    const Taken taken = answer.append(row);
    if (taken == Taken::row_cap) {
      // The LIMIT max_rows + 1 ends the statement right after this row (and
      // EXPLAIN's few lines are all sent already): reading on is quicker than a cancel.
      while (rows.next() != nullptr) {
      }
      return;
    }
    if (taken != Taken::row) return rows.stop();
    if (!answer.hand_over()) return rows.stop();
    if (result.row_count >= next_report_rows || result.rows_bytes >= next_report_bytes) {
      next_report_rows = result.row_count + kReportEveryRows;
      next_report_bytes = result.rows_bytes + kReportEveryBytes;
      if (!request.on_batch(result.row_count)) {
        rows.stop();
        throw QueryCancelled{};
      }
    }
  }
  if (!answer.started()) answer.start(rows.empty_result());
}

}  // namespace

std::string read_plan(pqxx::nontransaction& tx, const std::string& statement,
                      const std::vector<std::optional<std::string>>& params) {
  pqxx::params bound;
  for (const auto& param : params) {
    if (param) bound.append(*param);
    else bound.append();
  }
  return tx.exec(std::string{kPlanPrefix} + statement, bound).one_row()[0].as<std::string>();
}

QueryResult run_query(Session& session, const TypeCatalog& types, const QueryRequest& request) {
  return session.read_only(request.timeout_s, [&](pqxx::nontransaction& tx) {
    QueryResult result;
    auto started = std::chrono::steady_clock::now();
    AnswerWriter answer{result, types, request};
    if (request.wrap && request.check_plan) request.check_plan(read_plan(tx, request.statement, request.params));
    const std::string statement = request.wrap ? wrapped_statement(request.statement, request.max_rows)
                                               : request.statement;
    try {
      read_rows(session.libpq_connection(), statement, answer, result, request);
    } catch (const pqxx::sql_error& failure) {
      if (!answer.handed_over_any()) throw;
      answer.fail(request.describe_error ? request.describe_error(failure) : failure.what(), failure.sqlstate());
    } catch (const std::exception& failure) {
      // Lost connection, cancel, memory: the part handed over cannot be taken back.
      if (!answer.handed_over_any()) throw;
      answer.fail(failure.what(), "");
    }
    answer.finish(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
                  session.facts().time_zone);
    return result;
  });
}

}  // namespace fleetmcp::db
