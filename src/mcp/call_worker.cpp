// The tools/call worker thread, its FIFO and cancellation.
#include "mcp/call_worker.h"

#include <algorithm>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <chrono>
#include <limits>

#include <spdlog/spdlog.h>

namespace fleetmcp::mcp {
namespace {

// A large answer leaves megabytes free inside malloc (glibc raises its mmap
// threshold after the first large free, so later buffers come from the heap
// and stay resident); an idle server should not hold what a 20 MB answer left.
// Some is kept: memory handed back is faulted in again by the next large
// answer, a page at a time, which on a virtual machine cost a 10,000-row
// answer 10 ms — more than it takes to encode it. serve_stdio() keeps every
// thread on the main arena, the one malloc_trim can shrink from the top.
constexpr std::size_t kReturnMemoryAfterBytes = 512 * 1024;
constexpr std::size_t kKeptForTheNextAnswer = 4 * 1024 * 1024;

void return_free_memory() {
#ifdef __GLIBC__
  malloc_trim(kKeptForTheNextAnswer);
#endif
}

}  // namespace

CallWorker::CallWorker(const Server& server, MessageWriter& writer, std::size_t max_queued,
                       std::function<void()> cancel_running_call, std::function<void()> call_starting)
    : server_(server),
      writer_(writer),
      max_queued_(max_queued),
      cancel_running_call_(std::move(cancel_running_call)),
      call_starting_(std::move(call_starting)) {
  thread_ = std::thread([this] { run(); });
}

CallWorker::~CallWorker() { shutdown(); }

std::optional<PreparedCall> CallWorker::submit(PreparedCall call) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return std::nullopt;
    if (queue_.size() >= max_queued_) return call;
    queue_.push_back(Job{std::move(call)});
  }
  wake_.notify_one();
  return std::nullopt;
}

void CallWorker::cancel(const nlohmann::json& request_id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  const std::string why = reason.empty() ? "no reason given" : reason;
  auto queued = std::find_if(queue_.begin(), queue_.end(), [&](const Job& job) { return job.call.id == request_id; });
  if (queued != queue_.end()) {
    spdlog::info("cancelled queued call {} ({}): {}", request_id.dump(), queued->call.label(), why);
    queue_.erase(queued);
    call_finished_.notify_all();  // the queue may now be empty: wait_until_idle() rechecks
    return;
  }
  if (running_ && running_->id == request_id) {
    spdlog::info("cancelling running call {} ({}): {}", request_id.dump(), running_->tool_name, why);
    cancel_running_locked();
    return;
  }
  spdlog::debug("cancellation for {} ignored: no such call in flight", request_id.dump());
}

bool CallWorker::wait_until_idle(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  return call_finished_.wait_for(lock, limit, [this] { return queue_.empty() && !running_; });
}

void CallWorker::shutdown() {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    queue_.clear();
    if (running_) cancel_running_locked();
    wake_.notify_all();
    constexpr auto kRecancelEvery = std::chrono::milliseconds(200);
    while (running_ && !call_finished_.wait_for(lock, kRecancelEvery, [this] { return !running_; }))
      if (cancel_running_call_) cancel_running_call_();
  }
  if (thread_.joinable()) thread_.join();
}

// Holding the mutex keeps the worker from moving to another call while the
// hook interrupts this one.
void CallWorker::cancel_running_locked() {
  if (running_->cancelled->exchange(true)) return;
  if (cancel_running_call_) cancel_running_call_();
}

void CallWorker::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      running_ = Running{job.call.id, job.call.label(), job.cancelled};
      if (call_starting_) call_starting_();
    }
    std::size_t answer_bytes = 0;
    {
      StreamedAnswer stream{writer_, [this, &job] { return server_.answer_start(job.call); }};
      tools::CallContext context = context_for(job, stream);
      std::string response = server_.answer_call(job.call, context, stream);
      // A call cancelled before its answer started is not answered
      // (stdio.mdx, Cancellation); one whose answer had started is finished.
      answer_bytes = stream.bytes_written() > 0 ? stream.bytes_written() : response.size();
      {
        std::lock_guard lock(mutex_);
        running_.reset();
      }
      call_finished_.notify_all();
      if (stream.bytes_written() > 0) {
        // Written already, while the tool produced it.
      } else if (job.cancelled->load()) {
        spdlog::debug("call {} was cancelled; its response is not sent", job.call.id.dump());
      } else {
        writer_.send_line(response);
      }
    }
    if (answer_bytes >= kReturnMemoryAfterBytes) return_free_memory();
  }
}

tools::CallContext CallWorker::context_for(const Job& job, const StreamedAnswer& stream) {
  tools::CallContext context;
  context.caller = job.call.caller;
  context.client_renders_apps = job.call.client_renders_apps;
  context.is_cancelled = [flag = job.cancelled] { return flag->load(); };
  if (job.call.progress_token.is_null()) return context;

  // Progress must increase and must stop once the call is cancelled (progress.mdx).
  // Nor once the answer's line has started: nothing may cut into it.
  context.progress = [this, &stream, flag = job.cancelled, token = job.call.progress_token,
                      last = -std::numeric_limits<double>::infinity()](
                         double progress, std::optional<double> total, const std::string& message) mutable {
    if (flag->load() || stream.bytes_written() > 0 || !(progress > last)) return;
    last = progress;
    nlohmann::json params = {{"progressToken", token}, {"progress", progress}};
    if (total) params["total"] = *total;
    if (!message.empty()) params["message"] = message;
    writer_.send(notification("notifications/progress", std::move(params)));
  };
  return context;
}

}  // namespace fleetmcp::mcp
