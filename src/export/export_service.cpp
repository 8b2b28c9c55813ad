#include "export/export_service.h"

namespace fleetmcp::exports {

std::string export_directory(const Config& config) {
  return config.export_dir.empty() ? default_export_directory() : config.export_dir;
}

ExportStore& ExportService::store() {
  std::lock_guard lock{mutex_};
  if (!store_) store_ = std::make_unique<ExportStore>(export_directory(config_));
  return *store_;
}

std::string ExportService::download_url(const std::string& id) const {
  if (!hosted() || config_.public_url.empty()) return {};
  return config_.public_url + download_path(id);
}

}  // namespace fleetmcp::exports
