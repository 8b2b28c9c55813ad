// Each analyst's own export files as resources, fleetmcp://exports/<id>:
// listed and read only for the analyst who made them (a list is private to
// its caller), small ones readable through resources/read, the rest named
// with where to get them whole.
#pragma once

#include "context/resource_registry.h"
#include "export/export_service.h"

namespace fleetmcp::exports {

class ExportResources : public context::ResourceProvider {
 public:
  explicit ExportResources(ExportService& service) : service_(service) {}

  std::vector<nlohmann::json> list(const std::string& caller) override;
  std::vector<nlohmann::json> templates() const override;
  bool owns(std::string_view uri) const override { return uri.rfind(kExportUriPrefix, 0) == 0; }
  nlohmann::json read(const std::string& uri, const std::string& caller) override;
  // A new export appears at once in its answer's resource_link; lists may
  // lag by these seconds. Private: each analyst sees their own.
  context::CacheHint cache_hint() const override { return {std::chrono::seconds(10), true}; }

 private:
  ExportService& service_;
};

}  // namespace fleetmcp::exports
