// The MCP App views (ui://fleetmcp/…) as one family of the resource registry,
// so resources/list shows them beside the table descriptions and
// resources/read hands a ui:// URI here.
#pragma once

#include <chrono>

#include "context/resource_registry.h"

namespace fleetmcp::apps {

class AppViewResources : public context::ResourceProvider {
 public:
  // ttl: how long a client may keep a view (fixed for the life of the binary).
  explicit AppViewResources(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  std::vector<nlohmann::json> list(const std::string& caller) override;
  // The views have fixed URIs: no templates.
  std::vector<nlohmann::json> templates() const override { return {}; }
  bool owns(std::string_view uri) const override;
  nlohmann::json read(const std::string& uri, const std::string& caller) override;
  // The same views for every caller.
  context::CacheHint cache_hint() const override { return {ttl_, false}; }

 private:
  std::chrono::milliseconds ttl_;
};

}  // namespace fleetmcp::apps
