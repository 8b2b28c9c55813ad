// Bounded line reading over read(2) and poll(2).
#include "mcp/line_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

namespace fleetmcp::mcp {
namespace {

constexpr std::size_t read_chunk = 64 * 1024;

void strip_carriage_return(std::string& line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
}

}  // namespace

LineReader::LineReader(int input_fd, int stop_fd, std::size_t max_line_bytes)
    : input_fd_(input_fd), stop_fd_(stop_fd), max_line_bytes_(max_line_bytes) {}

LineReader::Status LineReader::next(std::string& line) {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      const bool oversized = skipping_ || newline > max_line_bytes_;
      if (!oversized) line.assign(buffer_, 0, newline);
      buffer_.erase(0, newline + 1);
      scanned_ = 0;
      skipping_ = false;
      if (oversized) return Status::too_long;
      strip_carriage_return(line);
      return Status::line;
    }
    scanned_ = buffer_.size();
    if (skipping_ || scanned_ > max_line_bytes_) {
      // Keep nothing of a line already too long; wait for its newline.
      skipping_ = true;
      buffer_.clear();
      scanned_ = 0;
    }
    if (at_eof_) return finish_at_eof(line);
    switch (fill()) {
      case Fill::data: break;
      case Fill::end: at_eof_ = true; break;
      case Fill::stopped: return Status::stopped;
    }
  }
}

// A last line without a newline still counts as a message.
LineReader::Status LineReader::finish_at_eof(std::string& line) {
  if (skipping_) {
    skipping_ = false;
    return Status::too_long;
  }
  if (buffer_.empty()) return Status::end_of_input;
  line = std::move(buffer_);
  buffer_.clear();
  scanned_ = 0;
  strip_carriage_return(line);
  return Status::line;
}

LineReader::Fill LineReader::fill() {
  pollfd fds[2] = {{input_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  const nfds_t count = stop_fd_ >= 0 ? 2 : 1;
  for (;;) {
    if (poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      spdlog::error("poll on input failed: {}", std::strerror(errno));
      return Fill::end;
    }
    if (count == 2 && fds[1].revents != 0) return Fill::stopped;
    if (fds[0].revents == 0) continue;

    const std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + read_chunk);
    const ssize_t got = read(input_fd_, buffer_.data() + old_size, read_chunk);
    buffer_.resize(old_size + (got > 0 ? static_cast<std::size_t>(got) : 0));
    if (got > 0) return Fill::data;
    if (got == 0) return Fill::end;
    if (errno == EINTR || errno == EAGAIN) continue;
    spdlog::error("reading input failed: {}", std::strerror(errno));
    return Fill::end;
  }
}

}  // namespace fleetmcp::mcp
