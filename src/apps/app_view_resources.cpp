#include "apps/app_view_resources.h"

#include "apps/app_resources.h"

namespace fleetmcp::apps {

std::vector<nlohmann::json> AppViewResources::list(const std::string&) {
  std::vector<nlohmann::json> entries;
  for (auto& entry : app_resource_entries()) entries.push_back(std::move(entry));
  return entries;
}

// Every ui:// URI is ours, so a mistyped view name gets this family's answer.
bool AppViewResources::owns(std::string_view uri) const { return uri.rfind("ui://", 0) == 0; }

nlohmann::json AppViewResources::read(const std::string& uri, const std::string&) {
  if (auto result = read_app_resource(uri)) return std::move((*result)["contents"]);
  throw context::ResourceNotFound(std::string("no MCP App view has this URI; the chart view is ") + kChartViewUri +
                                  " (see resources/list)");
}

}  // namespace fleetmcp::apps
