// The export tool: one read-only statement, guarded exactly as query is,
// streamed to a CSV or JSON Lines file past the answer's row and byte caps
// (bounded by MCP_EXPORT_MAX_ROWS, MCP_EXPORT_MAX_BYTES, MCP_EXPORT_TIMEOUT
// and, behind a gateway, the analyst's MCP_EXPORT_QUOTA). The answer names
// the file (path, or download URL), its rows, bytes, SHA-256 and first
// lines, with a resource_link the client can read it through.
#pragma once

#include "export/export_service.h"
#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::exports {

void add_export_tool(tools::ToolRegistry& registry, tools::ToolEnvironment& environment, ExportService& service);

}  // namespace fleetmcp::exports
