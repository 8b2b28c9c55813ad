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

  // One message written in pieces: no other message can start until the
  // Line is finished (destroyed), so hold it no longer than the message takes.
  class Line {
   public:
    explicit Line(MessageWriter& writer) : writer_(writer), lock_(writer.mutex_) {}
    // False once the output is gone; the rest of the line is then dropped.
    bool write(std::string_view piece) { return writer_.write_locked(piece); }

   private:
    MessageWriter& writer_;
    std::unique_lock<std::mutex> lock_;
  };

 private:
  bool write_locked(std::string_view bytes);

  int output_fd_;
  std::mutex mutex_;
  bool broken_ = false;
};

}  // namespace fleetmcp::mcp
