#include "healthcheck.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <string>
#include <thread>

namespace {

// A one-connection HTTP server on a free loopback port answering `status_line`;
// it records the request it received.
struct OneShotServer {
  int listener = -1;
  int port = 0;
  std::string request;
  std::thread worker;

  explicit OneShotServer(std::string status_line) {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    worker = std::thread([this, status_line] {
      int client = ::accept(listener, nullptr, nullptr);
      char buffer[1024];
      ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got > 0) request.assign(buffer, static_cast<std::size_t>(got));
      std::string answer = status_line + "\r\nContent-Length: 0\r\n\r\n";
      ::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(client);
    });
  }
  ~OneShotServer() {
    if (worker.joinable()) worker.join();
    ::close(listener);
  }
};

fleetmcp::HealthcheckOptions probe_of(int port) {
  fleetmcp::HealthcheckOptions options;
  options.port = port;
  return options;
}

}  // namespace

TEST_CASE("healthcheck: 200 from /healthz is healthy") {
  OneShotServer server{"HTTP/1.1 200 OK"};
  CHECK(fleetmcp::run_healthcheck(probe_of(server.port)) == 0);
  server.worker.join();  // the request is complete once the server has answered
  CHECK(server.request.rfind("GET /healthz HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("healthcheck: any other status is unhealthy") {
  OneShotServer server{"HTTP/1.1 503 Service Unavailable"};
  CHECK(fleetmcp::run_healthcheck(probe_of(server.port)) == 1);
}

TEST_CASE("healthcheck: nothing listening is unhealthy") {
  int port;
  {
    OneShotServer server{"HTTP/1.1 200 OK"};
    port = server.port;
    fleetmcp::run_healthcheck(probe_of(port));  // lets the server finish; the port is then closed
  }
  CHECK(fleetmcp::run_healthcheck(probe_of(port)) == 1);
}

TEST_CASE("healthcheck: the host must be an IPv4 address") {
  fleetmcp::HealthcheckOptions options;
  options.host = "localhost";
  CHECK(fleetmcp::run_healthcheck(options) == 1);
}
