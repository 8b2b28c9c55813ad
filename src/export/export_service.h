// What the export tool and the export resources share: the export directory,
// opened on first use (a bad MCP_EXPORT_DIR then fails the export with a
// clear error instead of stopping the server), and how an export is named
// to the client — its resource URI and, behind a gateway, its download URL.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "config.h"
#include "export/export_store.h"

namespace fleetmcp::exports {

// fleetmcp://exports/<id>
inline constexpr std::string_view kExportUriPrefix = "fleetmcp://exports/";
// The gateway's route for downloads: /exports/<id>
inline constexpr std::string_view kDownloadPathPrefix = "/exports/";

class ExportService {
 public:
  explicit ExportService(const Config& config) : config_(config) {}

  // Throws ExportStoreError (the message names MCP_EXPORT_DIR).
  ExportStore& store();

  const Config& config() const { return config_; }
  // Behind a gateway: files expire and count against the analyst's quota.
  bool hosted() const { return config_.serving_gateway; }

  static std::string resource_uri(const std::string& id) { return std::string(kExportUriPrefix) + id; }
  static std::string download_path(const std::string& id) { return std::string(kDownloadPathPrefix) + id; }
  // The download URL behind a gateway with MCP_PUBLIC_URL; "" otherwise.
  std::string download_url(const std::string& id) const;

 private:
  const Config& config_;
  std::mutex mutex_;
  std::unique_ptr<ExportStore> store_;
};

// MCP_EXPORT_DIR, or the per-user default.
std::string export_directory(const Config& config);

}  // namespace fleetmcp::exports
