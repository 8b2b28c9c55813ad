#include "db/deadline_watchdog.h"

namespace fleetmcp::db {

DeadlineWatchdog::~DeadlineWatchdog() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeadlineWatchdog::arm(std::chrono::steady_clock::duration limit) {
  {
    std::lock_guard lock{mutex_};
    deadline_ = std::chrono::steady_clock::now() + limit;
    fired_ = false;
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  }
  changed_.notify_all();
}

void DeadlineWatchdog::disarm() {
  std::lock_guard lock{mutex_};
  deadline_.reset();
}

void DeadlineWatchdog::run() {
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    if (!deadline_) {
      changed_.wait(lock);
    } else if (changed_.wait_until(lock, *deadline_) == std::cv_status::timeout && deadline_ &&
               std::chrono::steady_clock::now() >= *deadline_) {
      deadline_.reset();
      fired_ = true;
      lock.unlock();
      on_expiry_();
      lock.lock();
    }
  }
}

}  // namespace fleetmcp::db
