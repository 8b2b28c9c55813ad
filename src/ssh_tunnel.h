// `fleetmcp --ssh user@host`: the system ssh forwarding a free loopback port
// to the database as seen from that host, for as long as this process runs.
#pragma once

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "config.h"

namespace fleetmcp {

struct SshSettings {
  std::string destination;                  // user@host, or ssh://user@host:port
  std::string target = "timescale_db:5432";  // host:port of the database, as the ssh host sees it
  std::vector<std::string> options;         // extra "Key=Value" passed as -o
  int timeout_s = 10;                       // to connect and authenticate
};

// ssh failed to start or to forward; the message carries ssh's own stderr.
struct SshTunnelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The ssh argument vector for a tunnel on local_port (exposed for tests).
std::vector<std::string> ssh_command(const SshSettings& settings, int local_port);

// The DSN pointed at the tunnel: host 127.0.0.1 and the tunnel's port; user,
// password, dbname and every other setting kept. With sslmode=verify-full the
// target's host name stays as `host` (for the certificate) and hostaddr is
// 127.0.0.1. Throws std::invalid_argument when the DSN cannot be parsed, and
// when it names several hosts (one tunnel cannot carry libpq's choice among them).
std::string dsn_through_tunnel(const std::string& dsn, int local_port, const std::string& target);

class SshTunnel {
 public:
  // Starts ssh and returns once the local port accepts connections.
  static std::unique_ptr<SshTunnel> open(const SshSettings& settings);
  ~SshTunnel();  // ends ssh
  SshTunnel(const SshTunnel&) = delete;
  SshTunnel& operator=(const SshTunnel&) = delete;

  int local_port() const { return local_port_; }

 private:
  SshTunnel(pid_t pid, int stderr_fd, int local_port);
  std::string collected_stderr();
  void stop();

  pid_t pid_;
  int local_port_;
  std::thread stderr_reader_;
  std::mutex stderr_mutex_;
  std::string stderr_text_;
  bool started_ = false;  // once the tunnel works, ssh's messages go to the log
};

// Opens the tunnel when config asks for one and points config.database_url
// at it; returns nothing when no --ssh was given. Throws SshTunnelError.
std::unique_ptr<SshTunnel> open_configured_tunnel(Config& config);

}  // namespace fleetmcp
