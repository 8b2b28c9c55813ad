// The introspection policy both introspection test files check answers
// against: the issuer, the gateway's audience and its scope.
#pragma once

#include "gateway/oauth/introspection.h"

namespace fleetmcp::gateway::oauth::testing {

inline constexpr const char* test_issuer = "https://id.example.com/realms/fleet";
inline constexpr const char* test_audience = "https://fleetmcp.example.com/mcp";

inline IntrospectionPolicy introspection_policy() {
  IntrospectionPolicy policy;
  policy.claims.issuer = test_issuer;
  policy.claims.audience = test_audience;
  policy.claims.required_scopes = {"fleetmcp:query"};
  return policy;
}

}  // namespace fleetmcp::gateway::oauth::testing
