#include "export/export_runner.h"

#include <chrono>

#include "db/query_runner.h"
#include "db/row_stream.h"
#include "db/wrapped_statement.h"

namespace fleetmcp::exports {
namespace {

// Rows go to the file in chunks of about this size.
constexpr std::size_t kChunk = 256 * 1024;
// on_progress every so many rows or bytes.
constexpr std::size_t kReportEveryRows = 10'000;
constexpr std::uint64_t kReportEveryBytes = 4 * 1024 * 1024;
// The preview: the first lines (header included), each at most kPreviewLine bytes.
constexpr std::size_t kPreviewLines = 6;
constexpr std::size_t kPreviewLine = 1024;

// Keeps the first lines of what is written, each cut to a bounded length.
class Preview {
 public:
  bool full() const { return lines_ >= kPreviewLines; }
  void take(std::string_view text) {
    while (!full() && !text.empty()) {
      const std::size_t end = text.find('\n');
      const std::string_view line = text.substr(0, end);
      if (line_bytes_ < kPreviewLine) {
        const std::string_view kept = line.substr(0, kPreviewLine - line_bytes_);
        preview_.append(kept);
        line_bytes_ += kept.size();
        if (line_bytes_ == kPreviewLine && line.size() > kept.size()) preview_.append("…");
      }
      if (end == std::string_view::npos) return;
      preview_.push_back('\n');
      ++lines_;
      line_bytes_ = 0;
      text.remove_prefix(end + 1);
    }
  }
  std::string text() && { return std::move(preview_); }

 private:
  std::string preview_;
  std::size_t lines_ = 0;
  std::size_t line_bytes_ = 0;
};

}  // namespace

ExportOutcome run_export(db::Session& session, const db::TypeCatalog& types, const ExportRequest& request,
                         ExportFile& file) {
  return session.read_only(request.timeout_s, [&](pqxx::nontransaction& tx) {
    const auto started = std::chrono::steady_clock::now();
    file.restart();  // a second run, after a lost connection, writes from the start again
    if (request.check_plan) request.check_plan(db::read_plan(tx, request.statement, request.params));
    ExportOutcome outcome;
    std::string chunk;
    chunk.reserve(kChunk + 64 * 1024);
    std::optional<RowFormatter> formatter;
    Preview preview;
    std::uint64_t written = 0;  // bytes in the file and in chunk
    const auto emit = [&] {
      if (!preview.full()) preview.take(chunk);
      written += chunk.size();
      file.write(chunk);
      chunk.clear();
    };
    const auto begin = [&](const PGresult* described) {
      formatter.emplace(request.format, described, types, chunk);
      formatter->append_header();
      outcome.columns = formatter->column_names();
    };

    db::RowStream rows{session.libpq_connection(), db::wrapped_statement(request.statement, request.max_rows),
                       request.params};
    std::size_t next_report = kReportEveryRows;
    std::uint64_t next_report_bytes = kReportEveryBytes;
    while (const PGresult* row = rows.next()) {
      if (!formatter) begin(row);
      if (outcome.rows == request.max_rows) {
        outcome.truncated = true;
        outcome.truncated_reason = "rows";
        while (rows.next() != nullptr) {  // LIMIT max_rows + 1: this was the last
        }
        break;
      }
      const std::size_t before = chunk.size();
      formatter->append_row(row);
      if (written + chunk.size() > request.max_bytes) {
        chunk.resize(before);
        outcome.truncated = true;
        outcome.truncated_reason = "bytes";
        rows.stop();
        break;
      }
      ++outcome.rows;
      if (chunk.size() >= kChunk) emit();
      if (outcome.rows >= next_report || written >= next_report_bytes) {
        next_report = outcome.rows + kReportEveryRows;
        next_report_bytes = written + kReportEveryBytes;
        if (!request.on_progress(outcome.rows, written + chunk.size())) {
          rows.stop();
          throw ExportCancelled{};
        }
      }
    }
    if (!formatter) begin(rows.empty_result());
    emit();
    outcome.preview = std::move(preview).text();
    outcome.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    return outcome;
  });
}

}  // namespace fleetmcp::exports
