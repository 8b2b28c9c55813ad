// The export directory: one place per server (MCP_EXPORT_DIR), created 0700
// and refused when another user owns it. Each export is a data file
// <id>.csv or <id>.jsonl and a record <id>.json beside it saying whose it
// is, what it holds and when it expires. Ids are 128 random bits in hex:
// names cannot collide and cannot be guessed, and only names made here are
// ever opened, so nothing is read or written outside the directory.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/export_file.h"
#include "export/export_format.h"

namespace fleetmcp::exports {

struct ExportStoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ExportRecord {
  std::string id;
  std::string owner;  // the analyst (audit caller) who made it; only they may read it
  Format format = Format::csv;
  std::uint64_t rows = 0;
  std::uint64_t bytes = 0;
  std::string sha256;
  std::int64_t created = 0;  // Unix seconds
  std::int64_t expires = 0;  // Unix seconds; 0: kept until removed by hand
  bool truncated = false;
  std::string truncated_reason;  // "rows" | "bytes" | ""
  std::vector<std::string> columns;
  std::string sql;

  std::string file_name() const;  // "<id>.csv"
  nlohmann::json to_json() const;
  static std::optional<ExportRecord> from_json(const nlohmann::json& value);
};

// $XDG_DATA_HOME/fleetmcp/exports, else ~/.local/share/fleetmcp/exports.
std::string default_export_directory();

bool is_export_id(std::string_view text);

class ExportStore {
 public:
  // Creates the directory (and missing parents) 0700, or opens it; throws
  // ExportStoreError when it is not a directory, is a symlink, or belongs to
  // another user. One that is group- or world-accessible is tightened to 0700.
  explicit ExportStore(std::string directory);
  ~ExportStore();
  ExportStore(const ExportStore&) = delete;
  ExportStore& operator=(const ExportStore&) = delete;

  const std::string& directory() const { return directory_; }
  std::string path_of(const ExportRecord& record) const { return directory_ + "/" + record.file_name(); }

  static std::string new_id();
  std::unique_ptr<ExportFile> create_file(const std::string& id, Format format) const;
  // Writes the record (temp file, then rename: a reader never sees half of one).
  void save(const ExportRecord& record) const;

  // The unexpired export of that id, whoever owns it (callers check owner).
  std::optional<ExportRecord> find(const std::string& id, std::time_t now) const;
  // The owner's unexpired exports, newest first.
  std::vector<ExportRecord> owned_by(const std::string& owner, std::time_t now) const;
  std::uint64_t bytes_owned_by(const std::string& owner, std::time_t now) const;
  // Deletes expired exports, and partial files older than `stale_partial_s`
  // (a writer that was killed). Returns how many exports went.
  std::size_t sweep(std::time_t now, std::int64_t stale_partial_s) const;
  // The export's file, read whole; nullopt when it is gone or not what its
  // record says (callers bound record.bytes first).
  std::optional<std::string> contents(const ExportRecord& record) const;
  // Removes one export (its file and record).
  void remove(const ExportRecord& record) const;

 private:
  std::vector<ExportRecord> all_records() const;

  std::string directory_;
  int fd_ = -1;
};

}  // namespace fleetmcp::exports
