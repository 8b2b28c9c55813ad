#include "gateway/export_downloads.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <spdlog/spdlog.h>

#include "export/export_service.h"

namespace fleetmcp::gateway {
namespace {

constexpr std::size_t kPiece = 256 * 1024;
constexpr auto kSweepEvery = std::chrono::seconds(60);

HttpResponse not_found() {
  return {404, {{"Content-Type", "text/plain"}, {"Cache-Control", "no-store"}},
          "Not Found: no export of yours has this id (exports are kept for MCP_EXPORT_TTL; the export tool's "
          "answer names the download)\n"};
}

}  // namespace

ExportDownloads::ExportDownloads(const std::string& directory, std::int64_t stale_partial_s)
    : stale_partial_s_(stale_partial_s) {
  try {
    store_ = std::make_unique<exports::ExportStore>(directory);
  } catch (const exports::ExportStoreError& unusable) {
    spdlog::warn("exports cannot be served or swept: {}", unusable.what());
    return;
  }
  sweeper_ = std::thread([this] { sweep_until_stopped(); });
}

ExportDownloads::~ExportDownloads() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
}

bool ExportDownloads::handles(const std::string& path) {
  return path.rfind(exports::kDownloadPathPrefix, 0) == 0;
}

void ExportDownloads::sweep_until_stopped() {
  std::unique_lock lock{mutex_};
  while (!stopping_) {
    lock.unlock();
    if (const std::size_t removed = store_->sweep(std::time(nullptr), stale_partial_s_); removed > 0)
      spdlog::info("deleted {} expired export(s)", removed);
    lock.lock();
    wake_.wait_for(lock, kSweepEvery, [this] { return stopping_; });
  }
}

void ExportDownloads::serve(const HttpRequest& request, ResponseChannel& channel, const std::string& caller) {
  if (request.method != "GET" && request.method != "HEAD") {
    channel.send({405, {{"Allow", "GET, HEAD"}}, {}});
    return;
  }
  const std::string id = request.path.substr(exports::kDownloadPathPrefix.size());
  const auto record = store_ ? store_->find(id, std::time(nullptr)) : std::nullopt;
  if (!record || record->owner != caller) {
    channel.send(not_found());
    return;
  }
  const std::string path = store_->path_of(*record);
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat info{};
  if (fd < 0 || fstat(fd, &info) != 0) {
    if (fd >= 0) close(fd);
    channel.send(not_found());
    return;
  }
  const Headers head = {
      {"Content-Type", std::string(exports::media_type(record->format)) + "; charset=utf-8"},
      {"Content-Length", std::to_string(info.st_size)},
      {"Content-Disposition", "attachment; filename=\"" + record->file_name() + "\""},
      // The file is one analyst's: no shared cache may keep it.
      {"Cache-Control", "private, no-store"},
      {"X-Content-Type-Options", "nosniff"},
      {"ETag", "\"" + record->sha256 + "\""}};
  if (!channel.begin_stream({200, head, {}}) || request.method == "HEAD") {
    close(fd);
    return;
  }
  std::string piece(kPiece, '\0');
  for (;;) {
    const ssize_t got = read(fd, piece.data(), piece.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0 || !channel.stream(std::string_view(piece.data(), static_cast<std::size_t>(got)))) break;
  }
  close(fd);
}

}  // namespace fleetmcp::gateway
