// The gateway's pool of `fleetmcp serve` children: each runs one tools/call
// at a time on its own database connection; quick requests (initialize,
// tools/list…) go to any live child. A bounded queue in front, then "busy".
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/child_process.h"

namespace fleetmcp::gateway {

struct PoolOptions {
  ChildCommand command;
  std::size_t size = 8;
  std::size_t queue_max = 32;  // calls waiting for a child; beyond that: busy
  std::chrono::milliseconds queue_wait{30'000};
};

struct PoolAnswer {
  enum class Kind {
    answered,       // response holds the child's answer, with the client's id
    busy,           // no child free and the queue full or the wait too long: 503
    child_ended,    // the child died mid-request (it is being replaced)
    client_gone,    // the client left; the child was told to cancel
  };
  Kind kind;
  std::string response;  // when answered: the child's JSON-RPC response text, with the client's id
};

struct PoolState {
  std::size_t size = 0;
  std::size_t alive = 0;
  std::size_t busy = 0;
  std::size_t queued = 0;
  std::uint64_t replaced = 0;
};

class ChildPool {
 public:
  // Spawns every child at once so their database connections are ready.
  explicit ChildPool(PoolOptions options);
  // Ends every child (they cancel running queries).
  ~ChildPool();
  ChildPool(const ChildPool&) = delete;
  ChildPool& operator=(const ChildPool&) = delete;

  // A tools/call: waits for a child of its own. client_gone is polled while
  // queued and while running; when it turns true the child gets
  // notifications/cancelled for the request.
  PoolAnswer call(const std::string& caller, const nlohmann::json& request, const std::function<bool()>& client_gone,
                  std::function<void(const nlohmann::json&)> on_notification = {});

  // Any other request: answered by the child's reader thread without waiting
  // for a running call, so any live child will do.
  PoolAnswer ask(const nlohmann::json& request);

  // Forwards a client's notifications/cancelled for a call in flight (found
  // by the caller's name and the client's request id). False if none matches.
  bool cancel(const std::string& caller, const nlohmann::json& client_id, const std::string& reason);

  PoolState state() const;

 private:
  struct Slot {
    std::shared_ptr<ChildProcess> child;
    bool leased = false;
  };
  struct InFlight {
    std::string caller;
    nlohmann::json client_id;
    std::uint64_t child_id;
    std::shared_ptr<ChildProcess> child;
  };

  std::shared_ptr<ChildProcess> live_child_locked(Slot& slot);
  PoolAnswer exchange(const std::shared_ptr<ChildProcess>& child, const std::string& caller,
                      const nlohmann::json& request, const std::function<bool()>& client_gone,
                      std::function<void(const nlohmann::json&)> on_notification);

  PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Slot> slots_;
  std::size_t queued_ = 0;
  std::size_t next_quick_ = 0;
  std::uint64_t replaced_ = 0;
  std::atomic<std::uint64_t> next_id_{1};
  std::vector<InFlight> in_flight_;
};

}  // namespace fleetmcp::gateway
