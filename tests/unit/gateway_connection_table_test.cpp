// Tests the slot table: unauthenticated connections fill only their share,
// the oldest idle one makes room for a newcomer, and authenticated or busy
// ones keep their slots.
#include <sys/socket.h>
#include <unistd.h>

#include <vector>

#include <doctest/doctest.h>

#include "gateway/connection_table.h"

using fleetmcp::gateway::ConnectionTable;

namespace {

// Socket pairs whose server ends go into the table; a reclaimed one's client end reads EOF.
struct Sockets {
  std::vector<int> server;
  std::vector<int> client;

  int open_one() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    server.push_back(fds[0]);
    client.push_back(fds[1]);
    return fds[0];
  }
  bool shut_down(std::size_t index) const {
    char byte;
    return recv(client[index], &byte, 1, MSG_DONTWAIT) == 0;
  }
  ~Sockets() {
    for (int fd : server) close(fd);
    for (int fd : client) close(fd);
  }
};

}  // namespace

TEST_CASE("past their share, a newcomer reclaims the oldest idle unauthenticated connection") {
  Sockets sockets;
  ConnectionTable table(4, 2);
  const auto first = table.admit(sockets.open_one());
  const auto second = table.admit(sockets.open_one());
  REQUIRE(first);
  REQUIRE(second);
  CHECK_FALSE(sockets.shut_down(0));
  const auto third = table.admit(sockets.open_one());
  REQUIRE(third);
  CHECK(sockets.shut_down(0));  // the oldest
  CHECK_FALSE(sockets.shut_down(1));
  CHECK_FALSE(sockets.shut_down(2));
  CHECK(table.open() == 3);  // the reclaimed one's thread has not released it yet
  table.release(*first);
  CHECK(table.open() == 2);
}

TEST_CASE("authenticated connections keep the slots kept for them") {
  Sockets sockets;
  ConnectionTable table(3, 2);
  const auto analyst = table.admit(sockets.open_one());
  REQUIRE(analyst);
  table.authenticated(*analyst);
  CHECK(table.is_authenticated(*analyst));
  for (int flood = 0; flood < 10; ++flood) REQUIRE(table.admit(sockets.open_one()));
  CHECK_FALSE(sockets.shut_down(0));
  // Only the two newest of the flood still hold a slot.
  for (std::size_t index = 1; index <= 8; ++index) CHECK(sockets.shut_down(index));
  CHECK_FALSE(sockets.shut_down(9));
  CHECK_FALSE(sockets.shut_down(10));
}

TEST_CASE("a connection being answered is not reclaimed; with nothing to reclaim a newcomer is refused") {
  Sockets sockets;
  ConnectionTable table(2, 1);
  const auto busy = table.admit(sockets.open_one());
  REQUIRE(busy);
  table.answering(*busy, true);
  CHECK_FALSE(table.admit(sockets.open_one()));
  CHECK_FALSE(sockets.shut_down(0));
  table.answering(*busy, false);
  CHECK(table.admit(sockets.open_one()));
  CHECK(sockets.shut_down(0));
}

TEST_CASE("when every slot is held by authenticated connections, a newcomer is refused") {
  Sockets sockets;
  ConnectionTable table(2, 2);
  for (int analyst = 0; analyst < 2; ++analyst) {
    const auto id = table.admit(sockets.open_one());
    REQUIRE(id);
    table.authenticated(*id);
  }
  CHECK_FALSE(table.admit(sockets.open_one()));
  CHECK(table.wait_until_empty(std::chrono::milliseconds(10)) == 2);
}
