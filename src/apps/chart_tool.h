// The chart tool: a read-only query (through the query tool's own path) and
// what to draw, answered with a short summary for the model and the rows plus
// a Vega-Lite spec as structured content, which the MCP App view at
// ui://fleetmcp/chart.html draws in the client.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::apps {

void add_chart_tool(tools::ToolRegistry& registry, tools::ToolEnvironment& environment);

}  // namespace fleetmcp::apps
