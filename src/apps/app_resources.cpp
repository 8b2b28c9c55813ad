#include "apps/app_resources.h"

#include "apps/chart_view_html.h"
#include "apps/ui_extension.h"

namespace fleetmcp::apps {
namespace {

using nlohmann::json;

// The view loads nothing from anywhere (everything is inlined), so it asks
// for no connect or resource domains: hosts then apply their strictest CSP.
json view_meta() { return {{"ui", {{"csp", json::object()}, {"prefersBorder", true}}}}; }

}  // namespace

json app_resource_entries() {
  return json::array({{{"uri", kChartViewUri},
                       {"name", "chart"},
                       {"title", "Chart view"},
                       {"description",
                        "The MCP App that draws the chart tool's result (Vega-Lite, rendered in the client)"},
                       {"mimeType", kAppMimeType},
                       {"_meta", view_meta()}}});
}

bool is_app_resource_uri(std::string_view uri) { return uri == kChartViewUri; }

std::optional<json> read_app_resource(std::string_view uri) {
  if (!is_app_resource_uri(uri)) return std::nullopt;
  return json{{"contents", json::array({{{"uri", kChartViewUri},
                                         {"mimeType", kAppMimeType},
                                         {"text", chart_view_html()},
                                         {"_meta", view_meta()}}})}};
}

}  // namespace fleetmcp::apps
