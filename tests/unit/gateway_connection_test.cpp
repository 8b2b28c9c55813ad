// Tests what a socket tells of its peer (open, half-closed, gone) and the
// close after a refusal that keeps reading so the client gets the answer.
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "gateway/connection.h"

using fleetmcp::gateway::Clock;
using fleetmcp::gateway::Connection;
using PeerState = Connection::PeerState;
using namespace std::chrono_literals;

namespace {

struct Pair {
  int client = -1;
  std::unique_ptr<Connection> server;
  Pair() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    server = std::make_unique<Connection>(fds[0], nullptr);
    client = fds[1];
  }
  ~Pair() {
    server.reset();
    if (client >= 0) close(client);
  }
};

}  // namespace

TEST_CASE("a half-close is told apart from a peer that has gone") {
  Pair pair;
  CHECK(pair.server->peer_state() == PeerState::open);
  REQUIRE(send(pair.client, "x", 1, 0) == 1);
  CHECK(pair.server->peer_state() == PeerState::open);  // a pipelined byte
  shutdown(pair.client, SHUT_WR);
  CHECK(pair.server->peer_state() == PeerState::sent_eof);
  // It still reads what is written to it.
  CHECK(pair.server->write_all("answer", Clock::now() + 1s));
  char text[16] = {};
  CHECK(recv(pair.client, text, sizeof text, 0) == 6);
  close(pair.client);
  pair.client = -1;
  CHECK(pair.server->peer_state() == PeerState::gone);
}

TEST_CASE("closing after a response drains what the client still sends, within bounds") {
  SUBCASE("until the client closes") {
    Pair pair;
    std::thread client([&] {
      const std::string chunk(64 * 1024, 'x');
      for (int i = 0; i < 32; ++i) REQUIRE(send(pair.client, chunk.data(), chunk.size(), MSG_NOSIGNAL) > 0);
      char byte;
      CHECK(recv(pair.client, &byte, 1, 0) == 0);  // our FIN, after the bytes sent were all taken
      close(pair.client);
      pair.client = -1;
    });
    const auto started = Clock::now();
    pair.server->close_after_response(Clock::now() + 2s, 64 * 1024 * 1024);
    CHECK(Clock::now() - started < 1s);
    client.join();
  }
  SUBCASE("no longer than the deadline") {
    Pair pair;
    const auto started = Clock::now();
    pair.server->close_after_response(Clock::now() + 100ms, 1024);
    CHECK(Clock::now() - started >= 90ms);
    CHECK(Clock::now() - started < 500ms);
  }
  SUBCASE("no more than the byte cap") {
    Pair pair;
    const std::string chunk(8 * 1024, 'x');
    REQUIRE(send(pair.client, chunk.data(), chunk.size(), 0) > 0);
    const auto started = Clock::now();
    pair.server->close_after_response(Clock::now() + 2s, 4 * 1024);
    CHECK(Clock::now() - started < 500ms);
  }
}
