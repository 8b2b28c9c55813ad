// Spawning, the stdout reader thread and request/response matching.
#include "gateway/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include <spdlog/spdlog.h>

namespace fleetmcp::gateway {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Waits up to `patience` for the child to exit; true once it has been reaped.
bool reaped_within(pid_t pid, std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

ChildProcess::ChildProcess(const ChildCommand& command) {
  int to_child[2];
  int from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) fail("pipe");
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    fail("pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
  // The gateway blocks its signals for its signal thread; the child must not inherit that.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  sigset_t handled;
  sigemptyset(&handled);
  for (int signal_number : {SIGHUP, SIGTERM, SIGINT, SIGPIPE}) sigaddset(&handled, signal_number);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setsigdefault(&attributes, &handled);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_strings{"fleetmcp"};
  argv_strings.insert(argv_strings.end(), command.arguments.begin(), command.arguments.end());
  std::vector<std::string> env_strings = command.environment;
  auto argv = c_strings(argv_strings);
  auto envp = c_strings(env_strings);
  const int spawned = posix_spawn(&pid_, command.executable.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(to_child[0]);
  close(from_child[1]);
  if (spawned != 0) {
    close(to_child[1]);
    close(from_child[0]);
    errno = spawned;
    fail("spawning a fleetmcp child");
  }
  stdin_fd_ = to_child[1];
  stdout_fd_ = from_child[0];
  reader_ = std::thread([this] { read_stdout(); });
}

ChildProcess::~ChildProcess() {
  {
    std::lock_guard lock(write_mutex_);
    close(stdin_fd_);
    stdin_fd_ = -1;
  }
  // End of input makes the child cancel its running query and exit.
  if (!reaped_within(pid_, std::chrono::seconds(3))) {
    spdlog::warn("child {} did not exit after end of input; killing it", pid_);
    kill(pid_, SIGKILL);
    reaped_within(pid_, std::chrono::seconds(3));
  }
  reader_.join();
  close(stdout_fd_);
}

bool ChildProcess::send(const json& message) {
  const std::string line = message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
  std::lock_guard lock(write_mutex_);
  std::string_view left = line;
  while (!left.empty() && stdin_fd_ >= 0) {
    const ssize_t written = write(stdin_fd_, left.data(), left.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    left.remove_prefix(static_cast<std::size_t>(written));
  }
  return left.empty();
}

ChildProcess::Result ChildProcess::exchange(std::uint64_t id, const json& request, const std::function<bool()>& give_up,
                                            std::function<void(const json&)> on_notification) {
  auto waiter = std::make_shared<Waiter>();
  const bool routed_notifications = static_cast<bool>(on_notification);
  {
    std::lock_guard lock(mutex_);
    waiters_[id] = waiter;
    if (on_notification) notification_sink_ = std::move(on_notification);
  }
  auto finish = [&](Outcome outcome) {
    waiters_.erase(id);
    if (routed_notifications) notification_sink_ = nullptr;
    return Result{outcome, waiter->response ? std::move(*waiter->response) : json()};
  };
  if (!send(request)) {
    std::lock_guard lock(mutex_);
    return finish(Outcome::child_ended);
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    if (waiter->response) return finish(Outcome::answered);
    if (!alive_.load()) return finish(Outcome::child_ended);
    if (give_up && give_up()) return finish(Outcome::given_up);
    answered_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void ChildProcess::deliver(json message) {
  std::lock_guard lock(mutex_);
  if (message.contains("id") && message["id"].is_number_unsigned() && !message.contains("method")) {
    auto waiter = waiters_.find(message["id"].get<std::uint64_t>());
    if (waiter == waiters_.end()) return;  // cancelled or given up: nobody waits any more
    waiter->second->response = std::move(message);
    answered_.notify_all();
    return;
  }
  if (notification_sink_) notification_sink_(message);
}

void ChildProcess::read_stdout() {
  std::string pending;
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t got = read(stdout_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    pending.append(chunk, static_cast<std::size_t>(got));
    std::size_t line_end;
    while ((line_end = pending.find('\n')) != std::string::npos) {
      const std::string line = pending.substr(0, line_end);
      pending.erase(0, line_end + 1);
      json message = json::parse(line, nullptr, false);
      if (message.is_discarded()) {
        spdlog::warn("child {} wrote a line that is not JSON; ignored", pid_);
        continue;
      }
      deliver(std::move(message));
    }
  }
  alive_.store(false);
  std::lock_guard lock(mutex_);
  answered_.notify_all();
}

}  // namespace fleetmcp::gateway
