// Leasing children, the bounded queue, replacement of dead children, and
// the id rewriting that lets many clients share one child's stdin.
#include "gateway/child_pool.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace fleetmcp::gateway {
namespace {

using nlohmann::json;

}  // namespace

ChildPool::ChildPool(PoolOptions options) : options_(std::move(options)) {
  slots_.resize(std::max<std::size_t>(options_.size, 1));
  for (auto& slot : slots_) slot.child = std::make_shared<ChildProcess>(options_.command);
}

ChildPool::~ChildPool() {
  std::vector<std::shared_ptr<ChildProcess>> children;
  {
    std::lock_guard lock(mutex_);
    for (auto& slot : slots_) children.push_back(std::move(slot.child));
    slots_.clear();
  }
  children.clear();  // each destructor ends its child
}

std::shared_ptr<ChildProcess> ChildPool::live_child_locked(Slot& slot) {
  if (slot.child && slot.child->alive()) return slot.child;
  spdlog::warn("fleetmcp child {} ended; starting a new one", slot.child ? slot.child->pid() : -1);
  slot.child = std::make_shared<ChildProcess>(options_.command);
  ++replaced_;
  return slot.child;
}

PoolAnswer ChildPool::exchange(const std::shared_ptr<ChildProcess>& child, const std::string& caller,
                               const json& request, const std::function<bool()>& client_gone,
                               std::function<void(const json&)> on_notification) {
  // Clients choose their own ids and many share a child, so the child sees ours.
  const std::uint64_t child_id = next_id_.fetch_add(1);
  json forwarded = request;
  forwarded["id"] = child_id;
  const bool is_call = static_cast<bool>(on_notification) || !caller.empty();
  if (is_call) {
    std::lock_guard lock(mutex_);
    in_flight_.push_back({caller, request["id"], child_id, child});
  }
  auto result = child->exchange(child_id, forwarded, client_gone, std::move(on_notification));
  if (is_call) {
    std::lock_guard lock(mutex_);
    std::erase_if(in_flight_, [&](const InFlight& entry) { return entry.child_id == child_id; });
  }
  switch (result.outcome) {
    case ChildProcess::Outcome::answered:
      return {PoolAnswer::Kind::answered, std::move(result.answer).with_id(request["id"].dump())};
    case ChildProcess::Outcome::child_ended:
      return {PoolAnswer::Kind::child_ended, {}};
    case ChildProcess::Outcome::given_up:
      child->send({{"jsonrpc", "2.0"},
                   {"method", "notifications/cancelled"},
                   {"params", {{"requestId", child_id}, {"reason", "the HTTP client disconnected"}}}});
      return {PoolAnswer::Kind::client_gone, {}};
  }
  return {PoolAnswer::Kind::child_ended, {}};
}

PoolAnswer ChildPool::call(const std::string& caller, const json& request, const std::function<bool()>& client_gone,
                           std::function<void(const json&)> on_notification) {
  Slot* slot = nullptr;
  std::shared_ptr<ChildProcess> child;
  {
    std::unique_lock lock(mutex_);
    auto idle = [this] { return std::find_if(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.leased; }); };
    auto found = idle();
    if (found == slots_.end()) {
      if (queued_ >= options_.queue_max) return {PoolAnswer::Kind::busy, {}};
      ++queued_;
      const auto deadline = std::chrono::steady_clock::now() + options_.queue_wait;
      for (;;) {
        found = idle();
        if (found != slots_.end()) break;
        if (client_gone && client_gone()) break;
        if (freed_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100))) ==
                std::cv_status::timeout &&
            std::chrono::steady_clock::now() >= deadline)
          break;
      }
      --queued_;
      if (found == slots_.end())
        return {client_gone && client_gone() ? PoolAnswer::Kind::client_gone : PoolAnswer::Kind::busy, {}};
    }
    slot = &*found;
    slot->leased = true;
    try {
      child = live_child_locked(*slot);
    } catch (const std::exception& error) {
      slot->leased = false;
      spdlog::error("cannot start a fleetmcp child: {}", error.what());
      return {PoolAnswer::Kind::child_ended, {}};
    }
  }
  PoolAnswer answer = exchange(child, caller, request, client_gone, std::move(on_notification));
  {
    std::lock_guard lock(mutex_);
    slot->leased = false;
    if (!child->alive()) {
      // Replace now, so the next call finds a child already connecting.
      try {
        live_child_locked(*slot);
      } catch (const std::exception& error) {
        spdlog::error("cannot start a fleetmcp child: {}", error.what());
      }
    }
  }
  freed_.notify_one();
  return answer;
}

PoolAnswer ChildPool::ask(const json& request) {
  std::shared_ptr<ChildProcess> child;
  {
    std::lock_guard lock(mutex_);
    // Round robin spreads quick requests; an idle child answers soonest, but
    // a busy one answers too, from its reader thread.
    Slot& slot = slots_[next_quick_++ % slots_.size()];
    try {
      child = slot.leased ? slot.child : live_child_locked(slot);
    } catch (const std::exception& error) {
      spdlog::error("cannot start a fleetmcp child: {}", error.what());
      return {PoolAnswer::Kind::child_ended, {}};
    }
  }
  return exchange(child, {}, request, {}, {});
}

bool ChildPool::cancel(const std::string& caller, const json& client_id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  for (const auto& entry : in_flight_) {
    if (entry.caller != caller || entry.client_id != client_id) continue;
    entry.child->send({{"jsonrpc", "2.0"},
                       {"method", "notifications/cancelled"},
                       {"params", {{"requestId", entry.child_id}, {"reason", reason}}}});
    return true;
  }
  return false;
}

PoolState ChildPool::state() const {
  std::lock_guard lock(mutex_);
  PoolState state{slots_.size(), 0, 0, queued_, replaced_};
  for (const auto& slot : slots_) {
    if (slot.child && slot.child->alive()) ++state.alive;
    if (slot.leased) ++state.busy;
  }
  return state;
}

}  // namespace fleetmcp::gateway
