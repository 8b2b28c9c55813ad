// `fleetmcp gateway --check`: the gateway's authentication set-up checked
// without serving — static tokens, the OAuth settings, the issuer's metadata
// and keys, and what MCP clients need from the issuer (PKCE, registration) —
// printed as doctor prints its checks.
#pragma once

#include <cstddef>
#include <ostream>

#include "gateway/oauth/issuer_keys.h"
#include "gateway/oauth/settings.h"

namespace fleetmcp::gateway::oauth {

// Exit code: 0 when nothing failed (warnings allowed), 1 otherwise.
// `fetch` defaults to the real HTTP(S) client.
int run_gateway_check(const OAuthSettings& settings, std::size_t static_tokens, std::ostream& out,
                      const Fetch& fetch = nullptr);

}  // namespace fleetmcp::gateway::oauth
