// Who holds the gateway's connection slots. Connections that have not yet
// sent an authenticated request may fill only a share of them, so a flood
// of idle or slow unauthenticated sockets cannot lock analysts out: once
// that share is full, a newcomer takes the slot of the oldest such
// connection that is not being answered, which is shut down.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>

namespace fleetmcp::gateway {

class ConnectionTable {
 public:
  using Id = std::uint64_t;

  ConnectionTable(std::size_t max_connections, std::size_t max_unauthenticated);

  // A slot for the accepted socket `fd`, or nullopt (refused: every slot is
  // taken and none can be reclaimed). May shut down another connection's
  // socket to make room; that connection's thread then sees end of stream.
  std::optional<Id> admit(int fd);

  // The connection sent a request with a valid token: it keeps its slot.
  void authenticated(Id id);
  // While a request is being answered the connection is not reclaimed.
  void answering(Id id, bool busy);
  bool is_authenticated(Id id) const;

  // The connection's thread is done with its socket (call before closing it).
  void release(Id id);

  std::size_t open() const;
  // Waits until every connection is released or `limit` passes; returns how many are left.
  std::size_t wait_until_empty(std::chrono::milliseconds limit);

 private:
  struct Entry {
    Id id;
    int fd;
    bool authenticated = false;
    bool busy = false;
    bool reclaimed = false;  // shut down to make room; its thread is on its way out
  };

  std::list<Entry>::iterator find_locked(Id id);
  std::list<Entry>::const_iterator find_locked(Id id) const;
  bool reclaim_oldest_idle_unauthenticated_locked();

  const std::size_t max_connections_;
  const std::size_t max_unauthenticated_;
  mutable std::mutex mutex_;
  std::condition_variable released_;
  std::list<Entry> entries_;  // in order of arrival
  std::size_t holding_ = 0;   // entries not reclaimed
  std::size_t unauthenticated_ = 0;  // of those, not yet authenticated
  Id next_id_ = 1;
};

}  // namespace fleetmcp::gateway
