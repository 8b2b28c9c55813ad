#include "db/query_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>

#include <nlohmann/json.hpp>

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

  void finish(double elapsed_ms) {
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
      tx.exec(cursor_statement(request.statement, request.max_rows), bind_parameters(request));
      std::size_t batch_size = std::min(kFirstBatch, request.max_rows + 1);
      bool first_batch = true;
      while (true) {
        pqxx::result batch =
            tx.exec("FETCH FORWARD " + std::to_string(batch_size) + " FROM fleetmcp_cursor", pqxx::params{});
        rows.append(batch);
        if (static_cast<std::size_t>(batch.size()) < batch_size || result.truncated) break;
        if (!request.on_batch(result.row_count)) throw QueryCancelled{};
        std::size_t used = result.rows_bytes;
        std::size_t bytes_left = request.max_bytes > used ? request.max_bytes - used : 1;
        std::size_t rows_left = request.max_rows + 1 - result.row_count;
        if (first_batch) rows.reserve(rows_left, bytes_left);
        first_batch = false;
        batch_size = next_batch_size(result, bytes_left, rows_left);
      }
    }
    rows.finish(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    return result;
  });
}

}  // namespace fleetmcp::db
