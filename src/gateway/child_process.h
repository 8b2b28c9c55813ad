// One `fleetmcp serve` stdio child of the gateway: spawning it, writing
// JSON-RPC lines to its stdin and matching the lines it answers to waiters.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::gateway {

struct ChildCommand {
  std::string executable;
  std::vector<std::string> arguments;  // argv[1…]
  std::vector<std::string> environment;  // NAME=value, the child's whole environment
};

// A child's response line, passed on as text: only its id is rewritten.
struct ChildAnswer {
  std::string line;  // one JSON-RPC response object, without the newline
  std::size_t id_offset = 0;
  std::size_t id_size = 0;

  // The line with `id_json` (a JSON value's text) in place of the child's id.
  std::string with_id(std::string_view id_json) &&;
};

class ChildProcess {
 public:
  // Spawns the child (throws std::system_error) and starts reading its stdout.
  explicit ChildProcess(const ChildCommand& command);
  // Closes its stdin so it finishes and exits; kills it if it lingers.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  enum class Outcome { answered, child_ended, given_up };
  struct Result {
    Outcome outcome;
    ChildAnswer answer;  // when answered
  };

  // Sends a request whose id is the numeric `id` and waits for the response
  // with that id. give_up is polled; once it returns true the wait ends.
  // Notifications the child sends meanwhile go to on_notification when this
  // exchange is the child's one tools/call (only one runs at a time).
  Result exchange(std::uint64_t id, const nlohmann::json& request, const std::function<bool()>& give_up,
                  std::function<void(const nlohmann::json&)> on_notification = {});

  // Writes one message that expects no answer; false once the child is gone.
  bool send(const nlohmann::json& message);

  bool alive() const { return alive_.load(); }
  pid_t pid() const { return pid_; }

 private:
  struct Waiter {
    std::optional<ChildAnswer> answer;
  };

  void read_stdout();
  void deliver(std::string line);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::atomic<bool> alive_{true};

  std::mutex write_mutex_;
  std::mutex mutex_;
  std::condition_variable answered_;
  std::map<std::uint64_t, std::shared_ptr<Waiter>> waiters_;
  std::function<void(const nlohmann::json&)> notification_sink_;
  std::thread reader_;
};

}  // namespace fleetmcp::gateway
