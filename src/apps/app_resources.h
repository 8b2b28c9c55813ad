// The ui:// resources that hold fleetmcp's MCP App views (the chart view),
// served by resources/list and resources/read through the resource registry
// (app_view_resources.h). Self-contained: no database, no registry.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetmcp::apps {

inline constexpr const char* kChartViewUri = "ui://fleetmcp/chart.html";

// Resource entries (uri, name, title, description, mimeType, _meta.ui) for resources/list.
nlohmann::json app_resource_entries();

bool is_app_resource_uri(std::string_view uri);

// The ReadResourceResult ({"contents":[{uri, mimeType, text, _meta}]}) for a
// view's URI; nullopt for any other URI.
std::optional<nlohmann::json> read_app_resource(std::string_view uri);

}  // namespace fleetmcp::apps
