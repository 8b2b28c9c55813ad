// The chart tool's MCP App view: one self-contained HTML file (Vega-Lite and
// the MCP Apps SDK inlined), generated at build time from src/apps/view/.
#pragma once

#include <string>

namespace fleetmcp::apps {

const std::string& chart_view_html();

}  // namespace fleetmcp::apps
