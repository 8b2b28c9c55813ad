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

  // What a look at the socket tells of the peer, without blocking. A FIN
  // alone (sent_eof) may be a half-close, after which the client still reads;
  // only a write shows whether it has gone, since a closed socket answers it
  // with a reset.
  enum class PeerState { open, sent_eof, gone };
  PeerState peer_state() const;

  // Ends the connection the way HTTP servers do after a response that stops
  // reading a request: no more writes (the response queued still goes out,
  // then FIN), then what the client keeps sending is read and discarded until
  // it closes, for at most `deadline` and `max_bytes`. Closing with input
  // unread would make the kernel send a reset, which can destroy the
  // response before the client reads it.
  void close_after_response(Clock::time_point deadline, std::size_t max_bytes);

  // Completes a TLS handshake (no-op for plain sockets).
  bool handshake(Clock::time_point deadline);

 private:
  bool wait_for(short events, Clock::time_point deadline, int wake_fd) const;

  int fd_;
  ssl_st* ssl_;
};

}  // namespace fleetmcp::gateway
