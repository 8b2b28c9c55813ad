// The explain tool: the planner's view of one guarded query (EXPLAIN FORMAT
// JSON), optionally ANALYZE inside the same read-only, rolled-back transaction.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

void add_explain_tool(ToolRegistry& registry, ToolEnvironment& environment);

}  // namespace fleetmcp::tools
