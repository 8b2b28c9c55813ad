// Builds the registry of every tool fleetmcp offers, each wrapped so that a
// call always yields a result (never an exception) and one audit line.
#pragma once

#include "export/export_service.h"
#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

// `exports`: where the export tool writes; without one there is no export tool.
ToolRegistry make_toolbox(ToolEnvironment& environment, exports::ExportService* exports = nullptr);

}  // namespace fleetmcp::tools
