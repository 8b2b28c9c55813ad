// The one writer of protocol output: whole messages, one per line, flushed
// as they are written, safe to call from the reader and the worker at once.
#pragma once

#include <mutex>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetmcp::mcp {

class MessageWriter {
 public:
  explicit MessageWriter(int output_fd) : output_fd_(output_fd) {}

  // False once the output is gone (client exited); later messages are dropped.
  bool send(const nlohmann::json& message);

  // The same for a message already encoded, its newline included.
  bool send_line(std::string_view line);

  // True after a write failed: nobody reads the output any more.
  bool broken();

 private:
  int output_fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace fleetmcp::mcp
