// Runs tools/call requests one at a time, in arrival order, on one thread —
// the tools share one database connection — and handles their cancellation.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "mcp/message_writer.h"
#include "mcp/server.h"

namespace fleetmcp::mcp {

class CallWorker {
 public:
  // cancel_running_call interrupts the running handler (the database layer
  // sends PQcancel); it is called with no call started or finished meanwhile,
  // so it cannot hit the next call. call_starting runs on the worker just
  // before each handler, in the same critical section that makes the call
  // cancellable: the database layer forgets the previous call's cancel there,
  // and keeps this call's cancel even when it lands between two statements.
  // max_queued: calls that may wait behind the running one.
  CallWorker(const Server& server, MessageWriter& writer, std::size_t max_queued,
             std::function<void()> cancel_running_call, std::function<void()> call_starting = nullptr);
  ~CallWorker();
  CallWorker(const CallWorker&) = delete;
  CallWorker& operator=(const CallWorker&) = delete;

  // Queues the call; hands it back when max_queued calls are already waiting.
  std::optional<PreparedCall> submit(PreparedCall call);

  // notifications/cancelled: a queued call is dropped, the running one is
  // flagged and interrupted; neither is answered. Unknown ids are ignored.
  void cancel(const nlohmann::json& request_id, const std::string& reason);

  // True once no call is queued or running (the last answer may still be
  // being written; shutdown() waits for it); false if `limit` passed first.
  bool wait_until_idle(std::chrono::milliseconds limit);

  // Drops queued calls, cancels the running one and waits for the thread,
  // repeating the cancel until the call ends: a cancel that reaches the
  // server between two statements of a call cancels nothing there.
  void shutdown();

 private:
  struct Job {
    PreparedCall call;
    std::shared_ptr<std::atomic<bool>> cancelled = std::make_shared<std::atomic<bool>>(false);
  };

  // What cancel() needs of the call on the worker; the call itself runs unlocked.
  struct Running {
    nlohmann::json id;
    std::string tool_name;
    std::shared_ptr<std::atomic<bool>> cancelled;
  };

  void run();
  tools::CallContext context_for(const Job& job, const StreamedAnswer& stream);
  void cancel_running_locked();

  const Server& server_;
  MessageWriter& writer_;
  const std::size_t max_queued_;
  std::function<void()> cancel_running_call_;
  std::function<void()> call_starting_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable call_finished_;
  std::deque<Job> queue_;
  std::optional<Running> running_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fleetmcp::mcp
