// `fleetmcp serve`: the stdio MCP server — one read-only database session,
// the tool registry, and the protocol on stdin/stdout until EOF or SIGTERM.
#pragma once

#include "config.h"

namespace fleetmcp {

// Returns the process exit code.
int serve_stdio(const Config& config);

}  // namespace fleetmcp
