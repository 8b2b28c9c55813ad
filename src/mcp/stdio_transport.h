// The stdio transport: newline-delimited JSON-RPC between two descriptors.
// The reader thread answers quick requests itself and hands tools/call to
// one worker; it returns at end of input (once the calls received are
// answered) or when asked to stop.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>

#include "mcp/server.h"

namespace fleetmcp::mcp {

class CallWorker;
class MessageWriter;

struct TransportOptions {
  // Longer lines are answered with -32600 and skipped without being buffered.
  std::size_t max_message_bytes = 4 * 1024 * 1024;
  // tools/call waiting behind the running one; more are answered "busy" at
  // once, so a client cannot grow the queue (and memory) without bound.
  std::size_t max_queued_calls = 64;
  // Told of each call refused for a full queue (the audit line).
  std::function<void(const PreparedCall&, const std::string& error)> call_refused;
  // Interrupts the running tools/call (the database layer's PQcancel). Called
  // from the reader thread on notifications/cancelled, end of input and stop.
  std::function<void()> cancel_running_call;
  // Called on the worker thread as each tools/call starts (see CallWorker).
  std::function<void()> call_starting;
};

class StdioTransport {
 public:
  enum class StopReason { end_of_input, stop_requested };

  StdioTransport(Server& server, TransportOptions options = {});
  ~StdioTransport();
  StdioTransport(const StdioTransport&) = delete;
  StdioTransport& operator=(const StdioTransport&) = delete;

  // Serves until input_fd reaches EOF or request_stop() is called. At EOF the
  // calls already received are still answered, unless nobody reads output_fd
  // any more; on a stop, or once the reader is gone, the running call is
  // cancelled (its response is not sent), queued ones are dropped, and run()
  // returns when the running call has ended. Call once.
  StopReason run(int input_fd, int output_fd);

  // Makes run() return soon. Async-signal-safe: callable from a SIGTERM handler.
  void request_stop() noexcept;

 private:
  void finish_received_calls(CallWorker& worker, MessageWriter& writer, int output_fd);
  void submit_or_refuse(CallWorker& worker, MessageWriter& writer, PreparedCall call);

  Server& server_;
  TransportOptions options_;
  int stop_pipe_[2] = {-1, -1};  // self-pipe: a byte written here wakes the reader
  std::atomic<bool> stop_requested_{false};
};

}  // namespace fleetmcp::mcp
