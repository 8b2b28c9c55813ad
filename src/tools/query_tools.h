// The tools that run SQL: query (an analyst's read-only statement) and
// sample_table (the first rows of a table), both through the guarded pipeline.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

void add_query_tools(ToolRegistry& registry, ToolEnvironment& environment);

}  // namespace fleetmcp::tools
