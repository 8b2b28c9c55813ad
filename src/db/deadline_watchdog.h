// Ends a call stuck on a database that stopped answering (frozen, or the
// network gone): statement_timeout is enforced by the server, so a server that
// does not run cannot enforce it. One thread, started on first use.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace fleetmcp::db {

class DeadlineWatchdog {
 public:
  explicit DeadlineWatchdog(std::function<void()> on_expiry) : on_expiry_(std::move(on_expiry)) {}
  ~DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;

  // Calls on_expiry (on the watchdog thread) unless disarm() comes within `limit`.
  void arm(std::chrono::steady_clock::duration limit);
  void disarm();
  // True when on_expiry ran since the last arm().
  bool fired() const { return fired_.load(); }

 private:
  void run();

  std::function<void()> on_expiry_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  bool stopping_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace fleetmcp::db
