#include "db/query_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>
#include <pqxx/pipeline>

namespace fleetmcp::db {
namespace {

using nlohmann::json;

// Small first batch: a row may hold megabytes, and we only learn the row size
// from the first batch. Later batches are sized from the observed average.
constexpr std::size_t kFirstBatch = 8;
constexpr std::size_t kLargestBatch = 4096;
// libpq holds a whole batch (about its encoded size again in pointers and
// text) while it is encoded, so a batch is sized to about this many encoded
// bytes: peak memory stays the answer plus this, whatever the row width.
// 256 KiB: as fast as 4096-row batches for 10,000 rows, 1 MiB less at peak.
constexpr std::size_t kBatchBytes = 256 * 1024;

json columns_of(const pqxx::result& batch, const TypeCatalog& types) {
  json columns = json::array();
  for (pqxx::row_size_type i = 0; i < batch.columns(); ++i)
    columns.push_back({{"name", batch.column_name(i)}, {"type", types.display_name(batch.column_type(i))}});
  return columns;
}

std::size_t next_batch_size(const QueryResult& so_far, std::size_t bytes_left, std::size_t rows_left) {
  std::size_t size = kLargestBatch;
  if (so_far.row_count > 0) {
    std::size_t average_row = std::max<std::size_t>(1, so_far.rows_bytes / so_far.row_count);
    size = std::clamp<std::size_t>(std::min(bytes_left, kBatchBytes) / average_row + 1, 1, kLargestBatch);
  }
  return std::min(size, rows_left);
}

// Beyond this the answer grows by doubling: a reservation is address space
// taken up front, and a cap far above the rows that come is common.
constexpr std::size_t kLargestReservation = 64 * 1024 * 1024;

// Writes the answer into QueryResult::text as batches arrive, each row
// encoded straight into it, until the row or the byte cap is hit. That text
// is the one copy of the answer: the tool result and the MCP response take
// it from here without another.
class AnswerWriter {
 public:
  AnswerWriter(QueryResult& result, const TypeCatalog& types, const QueryRequest& request)
      : result_(result), types_(types), request_(request), limits_{request.max_cell_bytes}, out_(result.text) {}

  void append(const pqxx::result& batch) {
    if (!started_) start(batch);
    for (const pqxx::row& row : batch) {
      if (result_.row_count == request_.max_rows) return stop("rows");
      const std::size_t before = result_.text.size();
      const std::size_t rows_before = before - rows_start_;  // "[" and the rows so far
      if (result_.row_count > 0) out_.raw(',');
      const std::size_t row_start = result_.text.size();
      const std::size_t cut = encode_row(row, batch);
      // The row, its ',' and the closing ']' must fit.
      if (rows_before + (result_.text.size() - row_start) + 2 > request_.max_bytes && result_.row_count > 0) {
        result_.text.resize(before);
        return stop("bytes");
      }
      result_.cells_cut += cut;
      ++result_.row_count;
    }
    result_.rows_bytes = result_.text.size() - rows_start_;
  }

  // Room for the rows still to come, judged from the rows so far, so that a
  // large answer is not copied at every doubling; and a quarter more, for the
  // escapes it gains when it becomes the response line where it stands
  // (mcp::encode_with_text): a '\\' for each '"' of the rows.
  void reserve(std::size_t rows_left, std::size_t bytes_left) {
    if (result_.row_count == 0) return;
    const std::size_t average_row = result_.rows_bytes / result_.row_count + 1;
    const std::size_t expected =
        result_.text.size() + std::min({average_row * rows_left, bytes_left, kLargestReservation});
    result_.text.reserve(expected + expected / 4 + 1024);
  }

  void finish(double elapsed_ms, const std::string& time_zone) {
    if (!started_) start(pqxx::result{});  // every path appends a batch first; never a broken answer
    out_.raw(']');
    result_.rows_bytes = result_.text.size() - rows_start_;
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
    // The zone every timestamptz above is shown in and every ::date counted in.
    out_.raw(",\"time_zone\":");
    out_.string(time_zone);
    out_.raw(",\"elapsed_ms\":");
    out_.number(std::round(elapsed_ms * 100) / 100);
    out_.raw('}');
  }

 private:
  void start(const pqxx::result& batch) {
    started_ = true;
    out_.raw("{\"columns\":");
    out_.value(columns_of(batch, types_));
    result_.column_count = batch.columns();
    out_.raw(",\"rows\":");
    rows_start_ = result_.text.size();
    out_.raw('[');
  }

  void stop(const char* reason) {
    result_.truncated = true;
    result_.truncated_reason = reason;
    result_.rows_bytes = result_.text.size() - rows_start_;
  }

  // Returns how many cells were cut.
  std::size_t encode_row(const pqxx::row& row, const pqxx::result& batch) {
    std::size_t cut = 0;
    out_.raw('[');
    for (pqxx::row_size_type i = 0; i < row.size(); ++i) {
      if (i > 0) out_.raw(',');
      const pqxx::field field = row[i];
      if (field.is_null()) {
        out_.raw("null");
        continue;
      }
      if (append_encoded_value(out_, field.view(), batch.column_type(i), types_, limits_)) ++cut;
    }
    out_.raw(']');
    return cut;
  }

  QueryResult& result_;
  const TypeCatalog& types_;
  const QueryRequest& request_;
  const EncodeLimits limits_;
  JsonAppender out_;
  bool started_ = false;
  std::size_t rows_start_ = 0;  // where the rows array's "[" is in the text
};

pqxx::params bind_parameters(const QueryRequest& request) {
  pqxx::params params;
  for (const auto& param : request.params) {
    if (param) params.append(*param);
    else params.append();
  }
  return params;
}

std::string fetch_statement(std::size_t rows) {
  return "FETCH FORWARD " + std::to_string(rows) + " FROM fleetmcp_cursor";
}

// The next batch's size, planned before this batch is encoded: as if all of
// it will be kept. Zero when nothing more can be kept.
std::size_t size_after(const QueryResult& so_far, std::size_t batch_rows, const QueryRequest& request) {
  const std::size_t taken = so_far.row_count + batch_rows;
  if (taken >= request.max_rows + 1) return 0;
  const std::size_t average_row = std::max<std::size_t>(1, so_far.rows_bytes / std::max<std::size_t>(1, so_far.row_count));
  const std::size_t used = so_far.rows_bytes + average_row * batch_rows;
  if (used >= request.max_bytes) return 0;
  return next_batch_size(so_far, request.max_bytes - used, request.max_rows + 1 - taken);
}

// The next batch's size from the rows kept so far.
std::size_t size_from_kept(const QueryResult& kept, const QueryRequest& request) {
  return next_batch_size(kept, request.max_bytes - std::min(request.max_bytes, kept.rows_bytes),
                         request.max_rows + 1 - kept.row_count);
}

// Fetches the cursor's rows into `rows` batch by batch. The first, small
// batch tells the row size; after it the next FETCH is sent before the
// current batch is encoded, so PostgreSQL reads and sends rows while
// fleetmcp encodes (fetching and encoding used to take turns: 1.74x psql
// for 10,000 rows).
void fetch_rows(pqxx::nontransaction& tx, AnswerWriter& rows, QueryResult& result, const QueryRequest& request) {
  std::size_t batch_size = std::min(kFirstBatch, request.max_rows + 1);
  rows.append(tx.exec(fetch_statement(batch_size), pqxx::params{}));
  if (result.row_count < batch_size || result.truncated) return;
  if (!request.on_batch(result.row_count)) throw QueryCancelled{};
  rows.reserve(request.max_rows + 1 - result.row_count,
               request.max_bytes > result.rows_bytes ? request.max_bytes - result.rows_bytes : 1);
  batch_size = size_from_kept(result, request);

  pqxx::pipeline ahead{tx};
  try {
    pqxx::pipeline::query_id pending = ahead.insert(fetch_statement(batch_size));
    for (;;) {
      pqxx::result batch = ahead.retrieve(pending);
      const bool last = static_cast<std::size_t>(batch.size()) < batch_size;
      std::size_t next_size = last ? 0 : size_after(result, static_cast<std::size_t>(batch.size()), request);
      if (next_size > 0) pending = ahead.insert(fetch_statement(next_size));
      rows.append(batch);
      if (last || result.truncated) break;
      if (!request.on_batch(result.row_count)) throw QueryCancelled{};
      if (next_size == 0) {
        // The plan was too cautious (rows came out smaller than the average
        // so far): the caps are not reached, so fetch on, sized from what was kept.
        next_size = size_from_kept(result, request);
        pending = ahead.insert(fetch_statement(next_size));
      }
      batch_size = next_size;
    }
    // A FETCH sent ahead of a byte-cap stop is received and dropped here.
    ahead.complete();
  } catch (...) {
    // pqxx::pipeline's destructor would PQcancel a FETCH still in flight; a
    // batch is quicker to receive than a cancel is to send, and no stray
    // cancel can then reach the statements that follow.
    try {
      ahead.complete();
    } catch (...) {
    }
    throw;
  }
}

}  // namespace

QueryResult run_query(Session& session, const TypeCatalog& types, const QueryRequest& request) {
  return session.read_only(request.timeout_s, [&](pqxx::nontransaction& tx) {
    QueryResult result;
    auto started = std::chrono::steady_clock::now();
    AnswerWriter rows{result, types, request};
    if (!request.use_cursor) {
      // EXPLAIN cannot run in a cursor; its output is small. Still the
      // extended protocol, so still exactly one statement.
      rows.append(tx.exec(request.statement, bind_parameters(request)));
    } else {
      if (request.check_plan)
        request.check_plan(tx.exec("EXPLAIN (FORMAT JSON)\n" + request.statement, bind_parameters(request))
                               .one_row()[0]
                               .as<std::string>());
      tx.exec(cursor_statement(request.statement, request.max_rows), bind_parameters(request));
      fetch_rows(tx, rows, result, request);
    }
    rows.finish(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
                session.facts().time_zone);
    return result;
  });
}

}  // namespace fleetmcp::db
