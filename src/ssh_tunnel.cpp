#include "ssh_tunnel.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include <spdlog/spdlog.h>

#include "db/connection_options.h"

namespace fleetmcp {
namespace {

constexpr int kPortAttempts = 3;

// A port the kernel just called free. Another process may take it before ssh
// binds it; ExitOnForwardFailure makes ssh say so, and open() tries again.
int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw SshTunnelError(std::string{"cannot create a socket: "} + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    int saved = errno;
    ::close(fd);
    throw SshTunnelError(std::string{"cannot find a free local port: "} + std::strerror(saved));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string{"signal "} + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::string command_text(const std::vector<std::string>& command) {
  std::string text;
  for (const auto& word : command) text += (text.empty() ? "" : " ") + word;
  return text;
}

pid_t spawn_ssh(const std::vector<std::string>& command, int stderr_write_end) {
  std::vector<char*> argv;
  for (const auto& word : command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid != 0) return pid;
#ifdef __linux__
  // ssh must not outlive us, even when we are killed without a chance to stop it.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, STDIN_FILENO);
  ::dup2(null, STDOUT_FILENO);
  ::dup2(stderr_write_end, STDERR_FILENO);
  ::execvp(argv[0], argv.data());
  std::string failure = std::string{"cannot run ssh: "} + std::strerror(errno) + "\n";
  (void)!::write(STDERR_FILENO, failure.data(), failure.size());
  ::_exit(127);
}

}  // namespace

std::vector<std::string> ssh_command(const SshSettings& settings, int local_port) {
  std::vector<std::string> command{"ssh",
                                   "-N",
                                   "-L",
                                   "127.0.0.1:" + std::to_string(local_port) + ":" + settings.target,
                                   "-o",
                                   "ExitOnForwardFailure=yes",
                                   "-o",
                                   "BatchMode=yes",
                                   "-o",
                                   "ServerAliveInterval=15",
                                   "-o",
                                   "ServerAliveCountMax=3",
                                   "-o",
                                   "ConnectTimeout=" + std::to_string(settings.timeout_s)};
  for (const auto& option : settings.options) {
    command.push_back("-o");
    command.push_back(option);
  }
  // "--": a destination starting with '-' is a host name, never an option.
  command.push_back("--");
  command.push_back(settings.destination);
  return command;
}

namespace {

// One tunnel reaches one server: libpq's choice among several hosts
// (target_session_attrs, failover) would silently become no choice at all.
void refuse_several_hosts(const std::map<std::string, std::string>& params, const std::string& target) {
  const auto listed = [&params](const char* key) {
    const auto found = params.find(key);
    return found == params.end() ? std::string{} : found->second;
  };
  const std::string hosts = listed("host").empty() ? listed("hostaddr") : listed("host");
  if (hosts.find(',') == std::string::npos) return;
  throw std::invalid_argument(
      "--ssh forwards one local port to one database (--ssh-target " + target + "), but DATABASE_URL names several "
      "hosts (" + hosts + "), so libpq's choice among them (target_session_attrs, failover to the primary) cannot "
      "work through it. Either name one host in DATABASE_URL (the tunnel replaces it anyway), or drop --ssh and open "
      "one forward per host yourself, e.g. ssh -N -L 15432:primary:5432 -L 15433:standby:5432 user@host, with "
      "host=localhost,localhost port=15432,15433 in DATABASE_URL.");
}

}  // namespace

std::string dsn_through_tunnel(const std::string& dsn, int local_port, const std::string& target) {
  std::map<std::string, std::string> params = db::parse_database_url(dsn);
  refuse_several_hosts(params, target);
  params.erase("hostaddr");
  params["port"] = std::to_string(local_port);
  if (params["sslmode"] == "verify-full") {
    params["host"] = target.substr(0, target.rfind(':'));
    params["hostaddr"] = "127.0.0.1";
  } else {
    params["host"] = "127.0.0.1";
  }
  return db::conninfo_string(params);
}

SshTunnel::SshTunnel(pid_t pid, int stderr_fd, int local_port) : pid_(pid), local_port_(local_port) {
  stderr_reader_ = std::thread([this, stderr_fd] {
    char buffer[4096];
    std::string line;
    ssize_t got;
    while ((got = ::read(stderr_fd, buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR)) {
      if (got < 0) continue;
      std::lock_guard lock{stderr_mutex_};
      stderr_text_.append(buffer, static_cast<std::size_t>(got));
      if (!started_) continue;
      std::size_t newline;
      while ((newline = stderr_text_.find('\n')) != std::string::npos) {
        spdlog::warn("ssh: {}", trimmed(stderr_text_.substr(0, newline)));
        stderr_text_.erase(0, newline + 1);
      }
    }
    ::close(stderr_fd);
  });
}

std::string SshTunnel::collected_stderr() {
  std::lock_guard lock{stderr_mutex_};
  return trimmed(stderr_text_);
}

std::unique_ptr<SshTunnel> SshTunnel::open(const SshSettings& settings) {
  if (settings.destination.empty()) throw SshTunnelError("--ssh needs a destination, e.g. --ssh analyst@db.example.com");
  std::string last_failure;
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    int port = free_loopback_port();
    std::vector<std::string> command = ssh_command(settings, port);
    int pipe_ends[2];
    if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw SshTunnelError(std::string{"pipe: "} + std::strerror(errno));
    pid_t pid = spawn_ssh(command, pipe_ends[1]);
    ::close(pipe_ends[1]);
    if (pid < 0) {
      ::close(pipe_ends[0]);
      throw SshTunnelError(std::string{"cannot start ssh: "} + std::strerror(errno));
    }
    std::unique_ptr<SshTunnel> tunnel{new SshTunnel(pid, pipe_ends[0], port)};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(settings.timeout_s + 5);
    int status = 0;
    while (true) {
      if (::waitpid(pid, &status, WNOHANG) == pid) break;
      if (accepts_connections(port)) {
        std::lock_guard lock{tunnel->stderr_mutex_};
        tunnel->started_ = true;
        spdlog::info("ssh tunnel to {} via {} listening on 127.0.0.1:{}", settings.target, settings.destination, port);
        return tunnel;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        tunnel->stop();
        throw SshTunnelError("ssh did not open the tunnel within " + std::to_string(settings.timeout_s + 5) +
                             " s (" + command_text(command) + ")" +
                             (tunnel->collected_stderr().empty() ? "" : ": " + tunnel->collected_stderr()));
      }
      ::poll(nullptr, 0, 50);
    }
    tunnel->pid_ = -1;  // already reaped
    tunnel->stderr_reader_.join();
    std::string message = tunnel->collected_stderr();
    last_failure = "ssh failed (" + exit_text(status) + "): " + (message.empty() ? "no message" : message) +
                   "\n  command: " + command_text(command);
    if (message.find("Address already in use") == std::string::npos) break;
  }
  throw SshTunnelError(last_failure);
}

void SshTunnel::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  if (stderr_reader_.joinable()) stderr_reader_.join();
}

SshTunnel::~SshTunnel() { stop(); }

std::unique_ptr<SshTunnel> open_configured_tunnel(Config& config) {
  if (config.ssh.empty()) return nullptr;
  if (config.database_url.empty())
    throw SshTunnelError("--ssh needs DATABASE_URL too (user, password and database; the tunnel supplies host and port)");
  try {
    dsn_through_tunnel(config.database_url, 0, config.ssh_target);  // refuse before ssh starts
  } catch (const std::invalid_argument& bad) {
    throw SshTunnelError(bad.what());
  }
  SshSettings settings{config.ssh, config.ssh_target, config.ssh_options, config.connect_timeout_s};
  auto tunnel = SshTunnel::open(settings);
  try {
    config.database_url = dsn_through_tunnel(config.database_url, tunnel->local_port(), config.ssh_target);
  } catch (const std::invalid_argument& bad) {
    throw SshTunnelError(bad.what());
  }
  return tunnel;
}

}  // namespace fleetmcp
