// `fleetmcp serve`: the stdio MCP server — one read-only database session,
// the tool registry, and the protocol on stdin/stdout until EOF or SIGTERM.
#pragma once

#include "config.h"

namespace fleetmcp {

// Returns the process exit code. A trusted gateway child takes the caller
// from each request's _meta (the gateway authenticated it) and lets no
// request lock the protocol era for the next: many HTTP clients share its stdin.
int serve_stdio(const Config& config, bool trusted_gateway_child = false);

}  // namespace fleetmcp
