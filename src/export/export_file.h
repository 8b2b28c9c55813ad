// One export being written: a hidden partial file in the export directory,
// created 0600 with O_EXCL (never an existing file, never through a
// symlink), written through a buffer with its SHA-256 kept as it grows, and
// renamed into place only when complete. Destroyed before commit(), it
// removes the partial file: an export that failed or was cancelled leaves
// nothing behind.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fleetmcp::exports {

// The disk refused (full, quota of the file system, I/O error).
struct ExportWriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "0a1b…": the bytes in lower-case hex (digests, ids).
std::string lower_hex(const unsigned char* bytes, std::size_t size);

class ExportFile {
 public:
  // `directory_fd`: the export directory, opened by ExportStore.
  ExportFile(int directory_fd, std::string final_name);
  ~ExportFile();
  ExportFile(const ExportFile&) = delete;
  ExportFile& operator=(const ExportFile&) = delete;

  // Takes `data` (the buffer is the caller's; it is written when large).
  void write(std::string_view data);
  std::size_t bytes() const { return bytes_; }

  // Empties the file to write it again from the start (the session runs the
  // work once more after a lost connection).
  void restart();

  // Flushes, renames the partial file to its final name; returns the
  // SHA-256 in lower-case hex.
  std::string commit();

 private:
  void flush();

  int directory_fd_;
  std::string final_name_;
  std::string partial_name_;
  int fd_ = -1;
  std::string pending_;
  std::size_t bytes_ = 0;
  struct Digest;
  std::unique_ptr<Digest> digest_;
  bool committed_ = false;
};

}  // namespace fleetmcp::exports
