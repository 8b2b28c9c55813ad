// Every table and view the role can read, as a resource: its describe_table
// answer, as Markdown for a person and as JSON for a program.
#pragma once

#include "context/resource_registry.h"
#include "tools/environment.h"

namespace fleetmcp::context {

class TableResources : public ResourceProvider {
 public:
  // ttl: how long a client may keep a description (the schema changes seldom).
  TableResources(tools::ToolEnvironment& environment, std::chrono::milliseconds ttl)
      : environment_(environment), ttl_(ttl) {}

  std::vector<nlohmann::json> list(const std::string& caller) override;
  std::vector<nlohmann::json> templates() const override;
  bool owns(std::string_view uri) const override;
  nlohmann::json read(const std::string& uri, const std::string& caller) override;
  // Every caller of one server reads through the same database role.
  CacheHint cache_hint() const override { return {ttl_, false}; }

 private:
  tools::ToolEnvironment& environment_;
  std::chrono::milliseconds ttl_;
};

}  // namespace fleetmcp::context
