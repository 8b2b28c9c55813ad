// Builds the registry of every tool fleetmcp offers, each wrapped so that a
// call always yields a result (never an exception) and one audit line.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

ToolRegistry make_toolbox(ToolEnvironment& environment);

}  // namespace fleetmcp::tools
