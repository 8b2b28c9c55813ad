// `fleetmcp gateway --check`: the gateway's authentication set-up checked
// without serving — static tokens, the OAuth settings, the issuer's metadata
// and keys, what MCP clients need from the issuer (PKCE, registration) and
// the introspection endpoint with the gateway's client credentials —
// printed as doctor prints its checks.
#pragma once

#include <cstddef>
#include <ostream>

#include "gateway/oauth/issuer_keys.h"
#include "gateway/oauth/settings.h"
#include "gateway/oauth/token_introspector.h"

namespace fleetmcp::gateway::oauth {

// Exit code: 0 when nothing failed (warnings allowed), 1 otherwise.
// `fetch` and `post` default to the real HTTP(S) client.
int run_gateway_check(const OAuthSettings& settings, std::size_t static_tokens, std::ostream& out,
                      const Fetch& fetch = nullptr, const IntrospectionPost& post = nullptr);

}  // namespace fleetmcp::gateway::oauth
