#include "db/query_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

namespace fleetmcp::db {
namespace {

using nlohmann::json;

// Small first batch: a row may hold megabytes, and we only learn the row size
// from the first batch. Later batches are sized from the observed average.
constexpr std::size_t kFirstBatch = 8;
constexpr std::size_t kLargestBatch = 4096;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string columns_json(const pqxx::result& batch, const TypeCatalog& types) {
  json columns = json::array();
  for (pqxx::row_size_type i = 0; i < batch.columns(); ++i)
    columns.push_back({{"name", batch.column_name(i)}, {"type", types.display_name(batch.column_type(i))}});
  return dump(columns);
}

std::size_t next_batch_size(const QueryResult& so_far, std::size_t bytes_left, std::size_t rows_left) {
  std::size_t size = kLargestBatch;
  if (so_far.row_count > 0) {
    std::size_t average_row = std::max<std::size_t>(1, so_far.rows_json.size() / so_far.row_count);
    size = std::clamp<std::size_t>(bytes_left / average_row + 1, 1, kLargestBatch);
  }
  return std::min(size, rows_left);
}

}  // namespace

std::string QueryResult::to_json() const {
  std::string text;
  text.reserve(rows_json.size() + columns_json.size() + 160);
  text += "{\"columns\":";
  text += columns_json;
  text += ",\"rows\":";
  text += rows_json;
  text += ",\"row_count\":" + std::to_string(row_count);
  text += std::string{",\"truncated\":"} + (truncated ? "true" : "false");
  text += ",\"truncated_reason\":" + (truncated_reason.empty() ? std::string{"null"} : dump(truncated_reason));
  if (cells_cut > 0) text += ",\"cells_cut\":" + std::to_string(cells_cut);
  text += ",\"elapsed_ms\":" + dump(std::round(elapsed_ms * 100) / 100);
  text += "}";
  return text;
}

namespace {

// Appends encoded rows to a QueryResult until the row or byte cap is hit.
class RowAppender {
 public:
  RowAppender(QueryResult& result, const TypeCatalog& types, const QueryRequest& request)
      : result_(result), types_(types), request_(request), limits_{request.max_cell_bytes} {
    result_.rows_json = "[";
  }

  void append(const pqxx::result& batch) {
    if (result_.columns_json.empty()) {
      result_.columns_json = columns_json(batch, types_);
      result_.column_count = batch.columns();
    }
    for (const pqxx::row& row : batch) {
      if (result_.row_count == request_.max_rows) return stop("rows");
      encode_row(row, batch);
      if (result_.rows_json.size() + row_text_.size() + 2 > request_.max_bytes && result_.row_count > 0)
        return stop("bytes");
      if (result_.row_count > 0) result_.rows_json += ',';
      result_.rows_json += row_text_;
      ++result_.row_count;
    }
  }

  void finish() { result_.rows_json += ']'; }

 private:
  void stop(const char* reason) {
    result_.truncated = true;
    result_.truncated_reason = reason;
  }

  void encode_row(const pqxx::row& row, const pqxx::result& batch) {
    row_text_ = "[";
    for (pqxx::row_size_type i = 0; i < row.size(); ++i) {
      if (i > 0) row_text_ += ',';
      const pqxx::field field = row[i];
      if (field.is_null()) {
        row_text_ += "null";
        continue;
      }
      EncodedCell cell = encode_value(field.view(), batch.column_type(i), types_, limits_);
      if (cell.cut) ++result_.cells_cut;
      row_text_ += dump(cell.value);
    }
    row_text_ += ']';
  }

  QueryResult& result_;
  const TypeCatalog& types_;
  const QueryRequest& request_;
  const EncodeLimits limits_;
  std::string row_text_;
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
    RowAppender rows{result, types, request};
    if (!request.use_cursor) {
      // EXPLAIN cannot run in a cursor; its output is small. Still the
      // extended protocol, so still exactly one statement.
      rows.append(tx.exec(request.statement, bind_parameters(request)));
    } else {
      tx.exec(std::string{kCursorPrefix} + request.statement, bind_parameters(request));
      std::size_t batch_size = std::min(kFirstBatch, request.max_rows + 1);
      while (true) {
        pqxx::result batch =
            tx.exec("FETCH FORWARD " + std::to_string(batch_size) + " FROM fleetmcp_cursor", pqxx::params{});
        rows.append(batch);
        if (static_cast<std::size_t>(batch.size()) < batch_size || result.truncated) break;
        if (!request.on_batch(result.row_count)) throw QueryCancelled{};
        std::size_t used = result.rows_json.size();
        std::size_t bytes_left = request.max_bytes > used ? request.max_bytes - used : 1;
        batch_size = next_batch_size(result, bytes_left, request.max_rows + 1 - result.row_count);
      }
    }
    rows.finish();
    result.elapsed_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return result;
  });
}

}  // namespace fleetmcp::db
