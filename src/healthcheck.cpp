#include "healthcheck.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

namespace fleetmcp {
namespace {

int unhealthy(const std::string& reason) {
  std::fprintf(stderr, "fleetmcp healthcheck: %s\n", reason.c_str());
  return 1;
}

// Closes the socket however the probe ends.
struct Socket {
  int fd;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

CLI::App* add_healthcheck_command(CLI::App& app, HealthcheckOptions& options) {
  CLI::App* command = app.add_subcommand("healthcheck", "Exit 0 if a gateway on this host answers GET /healthz");
  command->add_option("--host", options.host, "IPv4 address of the gateway (default 127.0.0.1)");
  command->add_option("--port", options.port, "Port of the gateway (default 8892)")->check(CLI::Range(1, 65535));
  command->add_option("--timeout", options.timeout_s, "Seconds to wait (default 5)")->check(CLI::PositiveNumber);
  return command;
}

int run_healthcheck(const HealthcheckOptions& options) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(options.port));
  if (inet_pton(AF_INET, options.host.c_str(), &address.sin_addr) != 1)
    return unhealthy("--host must be an IPv4 address, got '" + options.host + "'");
  Socket socket{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (socket.fd < 0) return unhealthy(std::strerror(errno));
  // Linux applies the send timeout to connect() as well.
  timeval limit{options.timeout_s, 0};
  setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const std::string target = options.host + ":" + std::to_string(options.port);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    return unhealthy("cannot connect to " + target + ": " + std::strerror(errno));
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: " + target + "\r\nConnection: close\r\n\r\n";
  if (::send(socket.fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
    return unhealthy("cannot send to " + target + ": " + std::strerror(errno));
  std::string answer;
  char chunk[512];
  while (answer.find("\r\n") == std::string::npos) {
    ssize_t got = ::recv(socket.fd, chunk, sizeof chunk, 0);
    if (got <= 0) return unhealthy("no answer from " + target);
    answer.append(chunk, static_cast<std::size_t>(got));
  }
  const std::string status_line = answer.substr(0, answer.find("\r\n"));
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12 || status_line.compare(9, 3, "200") != 0)
    return unhealthy(target + "/healthz answered: " + status_line);
  return 0;
}

}  // namespace fleetmcp
