// Reads newline-delimited messages from a file descriptor with a cap on line
// length: an oversized line is skipped as it streams past, never held whole.
#pragma once

#include <cstddef>
#include <string>

namespace fleetmcp::mcp {

class LineReader {
 public:
  enum class Status {
    line,          // `line` holds the next message, without its newline (or trailing CR)
    too_long,      // a line longer than the cap was skipped
    end_of_input,  // EOF, or a read error (logged)
    stopped,       // stop_fd became readable
  };

  // stop_fd < 0: no stop signal.
  LineReader(int input_fd, int stop_fd, std::size_t max_line_bytes);

  Status next(std::string& line);

 private:
  enum class Fill { data, end, stopped };
  Fill fill();
  Status finish_at_eof(std::string& line);

  int input_fd_;
  int stop_fd_;
  std::size_t max_line_bytes_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
  bool skipping_ = false;    // inside a line already judged too long
  bool at_eof_ = false;
};

}  // namespace fleetmcp::mcp
