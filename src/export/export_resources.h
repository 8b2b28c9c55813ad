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
  // ttl: how long a client may keep a list or a read. A file never changes,
  // and a new export needs no fresh list: its answer carries its resource_link.
  ExportResources(ExportService& service, std::chrono::milliseconds ttl) : service_(service), ttl_(ttl) {}

  std::vector<nlohmann::json> list(const std::string& caller) override;
  std::vector<nlohmann::json> templates() const override;
  bool owns(std::string_view uri) const override { return uri.rfind(kExportUriPrefix, 0) == 0; }
  nlohmann::json read(const std::string& uri, const std::string& caller) override;
  // Private: each analyst sees their own (and so a list holding them is private too).
  context::CacheHint cache_hint() const override { return {ttl_, true}; }

 private:
  ExportService& service_;
  std::chrono::milliseconds ttl_;
};

}  // namespace fleetmcp::exports
