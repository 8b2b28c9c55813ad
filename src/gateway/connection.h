// One accepted socket, plain or TLS, with deadline-bounded reads and writes
// and a cheap check whether the client has gone away.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include <sys/types.h>

struct ssl_st;

namespace fleetmcp::gateway {

using Clock = std::chrono::steady_clock;

class Connection {
 public:
  // Takes ownership of fd (and of ssl, which must already be bound to fd).
  Connection(int fd, ssl_st* ssl);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Up to `size` bytes: > 0 bytes read, 0 at end of stream, -1 on error, on
  // reaching `deadline`, or when `wake_fd` becomes readable (the server stops).
  ssize_t read_some(char* buffer, std::size_t size, Clock::time_point deadline, int wake_fd);

  bool write_all(std::string_view data, Clock::time_point deadline);

  // True once the peer has closed or reset the connection. Never blocks.
  bool peer_closed() const;

  // Completes a TLS handshake (no-op for plain sockets).
  bool handshake(Clock::time_point deadline);

 private:
  bool wait_for(short events, Clock::time_point deadline, int wake_fd) const;

  int fd_;
  ssl_st* ssl_;
};

}  // namespace fleetmcp::gateway
