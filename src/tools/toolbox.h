// Builds the registry of every tool fleetmcp offers, each wrapped so that a
// call always yields a result (never an exception) and one audit line.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

ToolRegistry make_toolbox(ToolEnvironment& environment);

// The server's `instructions`: what the data is, what each tool returns, how
// to write a good query. Written for the model.
std::string server_instructions(const Config& config);

}  // namespace fleetmcp::tools
