// GET /exports/<id>: an export file, to the analyst who made it only (any
// other caller gets the same 404 as for an id that never was), streamed
// from disk in pieces; and the sweeper that deletes files past MCP_EXPORT_TTL.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "export/export_store.h"
#include "gateway/http_server.h"

namespace fleetmcp::gateway {

class ExportDownloads {
 public:
  // `directory`: the children's MCP_EXPORT_DIR. `stale_partial_s`: a partial
  // file older than this belonged to a child that died; it is deleted.
  ExportDownloads(const std::string& directory, std::int64_t stale_partial_s);
  ~ExportDownloads();
  ExportDownloads(const ExportDownloads&) = delete;
  ExportDownloads& operator=(const ExportDownloads&) = delete;

  static bool handles(const std::string& path);
  // For an authenticated caller.
  void serve(const HttpRequest& request, ResponseChannel& channel, const std::string& caller);

 private:
  void sweep_until_stopped();

  std::unique_ptr<exports::ExportStore> store_;
  std::int64_t stale_partial_s_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread sweeper_;
};

}  // namespace fleetmcp::gateway
