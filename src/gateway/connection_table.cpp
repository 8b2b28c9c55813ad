// The slot bookkeeping; reclaiming is a shutdown(2), which wakes the owning
// thread's poll without racing its close (the entry outlives the socket's use).
#include "gateway/connection_table.h"

#include <sys/socket.h>

#include <algorithm>

namespace fleetmcp::gateway {

ConnectionTable::ConnectionTable(std::size_t max_connections, std::size_t max_unauthenticated)
    : max_connections_(max_connections), max_unauthenticated_(std::min(max_unauthenticated, max_connections)) {}

std::list<ConnectionTable::Entry>::iterator ConnectionTable::find_locked(Id id) {
  return std::find_if(entries_.begin(), entries_.end(), [id](const Entry& entry) { return entry.id == id; });
}

std::list<ConnectionTable::Entry>::const_iterator ConnectionTable::find_locked(Id id) const {
  return std::find_if(entries_.begin(), entries_.end(), [id](const Entry& entry) { return entry.id == id; });
}

bool ConnectionTable::reclaim_oldest_idle_unauthenticated_locked() {
  const auto victim = std::find_if(entries_.begin(), entries_.end(), [](const Entry& entry) {
    return !entry.reclaimed && !entry.authenticated && !entry.busy;
  });
  if (victim == entries_.end()) return false;
  victim->reclaimed = true;
  --holding_;
  --unauthenticated_;
  shutdown(victim->fd, SHUT_RDWR);
  return true;
}

std::optional<ConnectionTable::Id> ConnectionTable::admit(int fd) {
  std::lock_guard lock(mutex_);
  // Every newcomer is unauthenticated: it may need the room of an older one.
  if (unauthenticated_ >= max_unauthenticated_ && !reclaim_oldest_idle_unauthenticated_locked()) return std::nullopt;
  if (holding_ >= max_connections_ && !reclaim_oldest_idle_unauthenticated_locked()) return std::nullopt;
  const Id id = next_id_++;
  entries_.push_back({id, fd});
  ++holding_;
  ++unauthenticated_;
  return id;
}

void ConnectionTable::authenticated(Id id) {
  std::lock_guard lock(mutex_);
  const auto entry = find_locked(id);
  if (entry == entries_.end() || entry->authenticated || entry->reclaimed) return;
  entry->authenticated = true;
  --unauthenticated_;
}

void ConnectionTable::answering(Id id, bool busy) {
  std::lock_guard lock(mutex_);
  if (const auto entry = find_locked(id); entry != entries_.end()) entry->busy = busy;
}

bool ConnectionTable::is_authenticated(Id id) const {
  std::lock_guard lock(mutex_);
  const auto entry = find_locked(id);
  return entry != entries_.end() && entry->authenticated;
}

void ConnectionTable::release(Id id) {
  {
    std::lock_guard lock(mutex_);
    const auto entry = find_locked(id);
    if (entry == entries_.end()) return;
    if (!entry->reclaimed) {
      --holding_;
      if (!entry->authenticated) --unauthenticated_;
    }
    entries_.erase(entry);
  }
  released_.notify_all();
}

std::size_t ConnectionTable::open() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t ConnectionTable::wait_until_empty(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  released_.wait_for(lock, limit, [this] { return entries_.empty(); });
  return entries_.size();
}

}  // namespace fleetmcp::gateway
