// The stdio read loop: frame, route, answer or queue.
#include "mcp/stdio_transport.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include <spdlog/spdlog.h>

#include "mcp/call_worker.h"
#include "mcp/line_reader.h"
#include "mcp/message_writer.h"

namespace fleetmcp::mcp {
namespace {

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// A pipe or socket whose reader has gone reports POLLERR or POLLHUP even when
// no event is asked for; a file or terminal never does.
bool reader_gone(int output_fd) {
  pollfd fd{output_fd, 0, 0};
  return poll(&fd, 1, 0) == 1 && (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
}

}  // namespace

// End of input means the client has sent all it will, not that it stopped
// listening: `printf '…' | fleetmcp` must still get the answers to the calls
// it sent. Those are finished (each bounded by the statement timeout) unless
// the reader of the output is gone too — the client exited, so the running
// query is cancelled at once — or a stop is requested (SIGTERM, the SDKs'
// next step when the server does not exit soon after end of input).
void StdioTransport::finish_received_calls(CallWorker& worker, MessageWriter& writer, int output_fd) {
  constexpr auto kLookEvery = std::chrono::milliseconds(20);
  while (!worker.wait_until_idle(kLookEvery)) {
    if (stop_requested_.load() || writer.broken() || reader_gone(output_fd)) return;
  }
}

void StdioTransport::submit_or_refuse(CallWorker& worker, MessageWriter& writer, PreparedCall call) {
  const nlohmann::json id = call.id;
  auto refused = worker.submit(std::move(call));
  if (!refused) return;
  const std::string error = "Server busy: " + std::to_string(options_.max_queued_calls) +
                            " calls are already waiting; retry when one has been answered";
  if (options_.call_refused) options_.call_refused(*refused, error);
  writer.send(error_response(id, {error_code::internal_error, error, nullptr}));
}

StdioTransport::StdioTransport(Server& server, TransportOptions options)
    : server_(server), options_(std::move(options)) {
  if (pipe2(stop_pipe_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(), "creating the stop pipe");
}

StdioTransport::~StdioTransport() {
  close(stop_pipe_[0]);
  close(stop_pipe_[1]);
}

void StdioTransport::request_stop() noexcept {
  stop_requested_.store(true);
  const char byte = 1;
  // Full pipe: a wake-up is already pending, so the failed write loses nothing.
  [[maybe_unused]] const ssize_t ignored = write(stop_pipe_[1], &byte, 1);
}

StdioTransport::StopReason StdioTransport::run(int input_fd, int output_fd) {
  MessageWriter writer(output_fd);
  CallWorker worker(server_, writer, options_.max_queued_calls, options_.cancel_running_call, options_.call_starting);
  LineReader reader(input_fd, stop_pipe_[0], options_.max_message_bytes);

  StopReason reason = StopReason::end_of_input;
  std::string line;
  for (bool reading = true; reading;) {
    switch (reader.next(line)) {
      case LineReader::Status::end_of_input:
        reading = false;
        break;
      case LineReader::Status::stopped:
        reason = StopReason::stop_requested;
        reading = false;
        break;
      case LineReader::Status::too_long:
        writer.send(error_response(nullptr, {error_code::invalid_request,
                                             "Invalid Request: message too large (over " +
                                                 std::to_string(options_.max_message_bytes) + " bytes)",
                                             nullptr}));
        break;
      case LineReader::Status::line: {
        if (is_blank(line)) break;
        Routed routed = server_.route(decode_line(line));
        if (auto* reply = std::get_if<Reply>(&routed)) writer.send(reply->message);
        else if (auto* call = std::get_if<PreparedCall>(&routed)) submit_or_refuse(worker, writer, std::move(*call));
        else if (auto* cancel = std::get_if<CancelRequest>(&routed)) worker.cancel(cancel->request_id, cancel->reason);
        break;
      }
    }
  }
  if (reason == StopReason::end_of_input && !stop_requested_.load()) {
    spdlog::info("input closed; answering the calls already received");
    finish_received_calls(worker, writer, output_fd);
  }
  if (stop_requested_.load()) reason = StopReason::stop_requested;
  spdlog::info("{}; finishing", reason == StopReason::stop_requested ? "stop requested" : "input closed");
  worker.shutdown();
  return reason;
}

}  // namespace fleetmcp::mcp
