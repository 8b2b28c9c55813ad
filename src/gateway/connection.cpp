// Socket I/O with poll(2) deadlines; OpenSSL drives the TLS case.
#include "gateway/connection.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace fleetmcp::gateway {

Connection::Connection(int fd, ssl_st* ssl) : fd_(fd), ssl_(ssl) {
  fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

Connection::~Connection() {
  if (ssl_ != nullptr) {
    SSL_shutdown(ssl_);
    SSL_free(ssl_);
  }
  close(fd_);
}

bool Connection::wait_for(short events, Clock::time_point deadline, int wake_fd) const {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd fds[2] = {{fd_, events, 0}, {wake_fd, POLLIN, 0}};
    const int ready = poll(fds, wake_fd >= 0 ? 2 : 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    if (wake_fd >= 0 && (fds[1].revents & POLLIN) != 0) return false;
    return true;
  }
}

bool Connection::handshake(Clock::time_point deadline) {
  if (ssl_ == nullptr) return true;
  for (;;) {
    const int done = SSL_accept(ssl_);
    if (done == 1) return true;
    const int error = SSL_get_error(ssl_, done);
    if (error == SSL_ERROR_WANT_READ && wait_for(POLLIN, deadline, -1)) continue;
    if (error == SSL_ERROR_WANT_WRITE && wait_for(POLLOUT, deadline, -1)) continue;
    ERR_clear_error();
    return false;
  }
}

ssize_t Connection::read_some(char* buffer, std::size_t size, Clock::time_point deadline, int wake_fd) {
  for (;;) {
    if (ssl_ != nullptr) {
      const int got = SSL_read(ssl_, buffer, static_cast<int>(size));
      if (got > 0) return got;
      const int error = SSL_get_error(ssl_, got);
      if (error == SSL_ERROR_ZERO_RETURN) return 0;
      const short events = error == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
      if ((error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) && wait_for(events, deadline, wake_fd))
        continue;
      ERR_clear_error();
      return error == SSL_ERROR_SYSCALL ? 0 : -1;
    }
    const ssize_t got = recv(fd_, buffer, size, 0);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    if ((errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(POLLIN, deadline, wake_fd)) continue;
    return -1;
  }
}

bool Connection::write_all(std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    if (ssl_ != nullptr) {
      const int sent = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
      if (sent > 0) {
        data.remove_prefix(static_cast<std::size_t>(sent));
        continue;
      }
      const int error = SSL_get_error(ssl_, sent);
      const short events = error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
      if ((error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) && wait_for(events, deadline, -1)) continue;
      ERR_clear_error();
      return false;
    }
    const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      data.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_for(POLLOUT, deadline, -1)) continue;
    return false;
  }
  return true;
}

Connection::PeerState Connection::peer_state() const {
  pollfd fd{fd_, static_cast<short>(POLLIN | POLLRDHUP), 0};
  if (poll(&fd, 1, 0) <= 0) return PeerState::open;
  if ((fd.revents & (POLLHUP | POLLERR)) != 0) return PeerState::gone;
  if ((fd.revents & POLLRDHUP) != 0) return PeerState::sent_eof;
  // Readable: either more bytes (a pipelined request, TLS records) or end of stream.
  char byte;
  const ssize_t peeked = recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked > 0) return PeerState::open;
  return peeked == 0 ? PeerState::sent_eof : PeerState::gone;
}

void Connection::close_after_response(Clock::time_point deadline, std::size_t max_bytes) {
  if (ssl_ != nullptr) SSL_shutdown(ssl_);  // close_notify, so the client knows the response is whole
  shutdown(fd_, SHUT_WR);
  // Raw reads, TLS records included: nothing more is decrypted, only discarded.
  char discard[16 * 1024];
  for (std::size_t drained = 0; drained < max_bytes;) {
    const ssize_t got = recv(fd_, discard, sizeof discard, 0);
    if (got > 0) {
      drained += static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0) return;
    if (errno == EINTR) continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait_for(POLLIN, deadline, -1)) return;
  }
}

}  // namespace fleetmcp::gateway
