// The tools that run SQL: query (an analyst's read-only statement) and
// sample_table (the first rows of a table), both through the guarded pipeline.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

void add_query_tools(ToolRegistry& registry, ToolEnvironment& environment);

// What the query tool does for one call (guard, side-effect refusal, plan
// guard, caps, timeout, audit facts): for tools that run an analyst's
// statement and then do more with the rows (chart). Reads sql, params,
// max_rows, timeout_s and allow_expensive; ignores other arguments.
ToolResult run_read_only_query(ToolEnvironment& environment, const nlohmann::json& arguments, CallContext& context);

// The input-schema properties of those arguments, as the query tool declares them.
nlohmann::json query_argument_properties(const Config& config);

}  // namespace fleetmcp::tools
