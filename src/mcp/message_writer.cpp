// Line-at-a-time protocol output over write(2).
#include "mcp/message_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "mcp/jsonrpc.h"

namespace fleetmcp::mcp {

bool MessageWriter::send(const nlohmann::json& message) {
  std::string line = encode(message);
  line += '\n';
  return send_line(line);
}

bool MessageWriter::broken() {
  std::lock_guard lock(mutex_);
  return broken_;
}

bool MessageWriter::send_line(std::string_view line) {
  std::lock_guard lock(mutex_);
  return write_locked(line);
}

bool MessageWriter::write_locked(std::string_view line) {
  if (broken_) return false;
  // write(2) straight to the descriptor: nothing sits in a buffer, and a
  // partial write is finished before another message may start.
  for (std::size_t written = 0; written < line.size();) {
    const ssize_t n = write(output_fd_, line.data() + written, line.size() - written);
    if (n >= 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    spdlog::warn("protocol output closed ({}); dropping further messages", std::strerror(errno));
    broken_ = true;
    return false;
  }
  return true;
}

}  // namespace fleetmcp::mcp
