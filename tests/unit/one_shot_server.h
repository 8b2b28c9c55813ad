// A one-connection HTTP server on a free loopback port, for the tests of the
// HTTP clients (healthcheck, the OAuth client): it reads the whole request
// (head and a Content-Length body) into `request`, writes `response` as
// given, and closes. Join `worker` before reading `request`.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <doctest/doctest.h>

namespace fleetmcp::testing {

struct OneShotServer {
  int listener = -1;
  int port = 0;
  std::string request;
  std::thread worker;

  explicit OneShotServer(std::string response) {
    listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 1) == 0);
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    worker = std::thread([this, response = std::move(response)] {
      const int client = ::accept(listener, nullptr, nullptr);
      if (client < 0) return;
      read_request(client);
      ::send(client, response.data(), response.size(), MSG_NOSIGNAL);
      ::close(client);
    });
  }
  ~OneShotServer() {
    if (worker.joinable()) worker.join();
    ::close(listener);
  }

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port) + path; }

 private:
  void read_request(int client) {
    char buffer[4096];
    for (;;) {
      const auto head_end = request.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const auto length_at = request.find("Content-Length: ");
        const std::size_t body =
            length_at == std::string::npos || length_at > head_end ? 0 : std::stoul(request.substr(length_at + 16));
        if (request.size() >= head_end + 4 + body) return;
      }
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) return;
      request.append(buffer, static_cast<std::size_t>(got));
    }
  }
};

}  // namespace fleetmcp::testing
