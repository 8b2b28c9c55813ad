// Spawning, the stdout reader thread and request/response matching.
#include "gateway/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <system_error>

#include <spdlog/spdlog.h>

#include "gateway/json_skim.h"

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
  // End of input alone would let the child finish a call it was given (a
  // stdio client may still be reading); SIGTERM makes it cancel the running
  // query and exit now. The gateway has already drained its own requests.
  kill(pid_, SIGTERM);
  if (!reaped_within(pid_, std::chrono::seconds(3))) {
    spdlog::warn("child {} did not exit after SIGTERM; killing it", pid_);
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
    return Result{outcome, waiter->answer ? std::move(*waiter->answer) : ChildAnswer{}};
  };
  if (!send(request)) {
    std::lock_guard lock(mutex_);
    return finish(Outcome::child_ended);
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    if (waiter->answer) return finish(Outcome::answered);
    if (!alive_.load()) return finish(Outcome::child_ended);
    if (give_up && give_up()) return finish(Outcome::given_up);
    answered_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

void ChildProcess::deliver(std::string line) {
  // Responses, which may be megabytes of rows, are only skimmed; the rare
  // notification (progress) is parsed, as it is forwarded as an SSE event.
  const auto members = top_level_members(line);
  if (!members) {
    spdlog::warn("child {} wrote a line that is not a JSON object; ignored", pid_);
    return;
  }
  const SkimmedMember* id = find_member(*members, "id");
  std::uint64_t id_value = 0;
  if (id != nullptr && find_member(*members, "method") == nullptr) {
    const char* begin = line.data() + id->value_offset;
    const auto [end, error] = std::from_chars(begin, begin + id->value_size, id_value);
    if (error != std::errc() || end != begin + id->value_size) return;  // not an id of ours
    ChildAnswer answer{std::string(), id->value_offset, id->value_size};
    std::lock_guard lock(mutex_);
    auto waiter = waiters_.find(id_value);
    if (waiter == waiters_.end()) return;  // cancelled or given up: nobody waits any more
    answer.line = std::move(line);
    waiter->second->answer = std::move(answer);
    answered_.notify_all();
    return;
  }
  json message = json::parse(line, nullptr, false);
  if (message.is_discarded()) {
    spdlog::warn("child {} wrote a line that is not JSON; ignored", pid_);
    return;
  }
  std::lock_guard lock(mutex_);
  if (notification_sink_) notification_sink_(message);
}

void ChildProcess::read_stdout() {
  std::string pending;
  std::size_t scanned = 0;  // no newline before this offset of `pending`
  char chunk[64 * 1024];
  for (;;) {
    const ssize_t got = read(stdout_fd_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    pending.append(chunk, static_cast<std::size_t>(got));
    std::size_t line_end;
    while ((line_end = pending.find('\n', scanned)) != std::string::npos) {
      std::string line = pending.substr(0, line_end);
      pending.erase(0, line_end + 1);
      scanned = 0;
      deliver(std::move(line));
    }
    scanned = pending.size();
  }
  alive_.store(false);
  std::lock_guard lock(mutex_);
  answered_.notify_all();
}

std::string ChildAnswer::with_id(std::string_view id_json) && {
  line.replace(id_offset, id_size, id_json);
  return std::move(line);
}

}  // namespace fleetmcp::gateway
