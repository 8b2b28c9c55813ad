// The WWW-Authenticate value of a refused request (RFC 6750 §3, RFC 9728
// §5.1): where the protected-resource metadata is, which scope is needed,
// and for a token that was presented, why it failed.
#pragma once

#include <string>

namespace fleetmcp::gateway::oauth {

struct BearerChallenge {
  std::string realm;              // only without OAuth: the static-token gateway's old answer
  std::string resource_metadata;  // absolute URL of the RFC 9728 document
  std::string scope;              // space-separated
  std::string error;              // "invalid_token", "insufficient_scope" or empty (no token sent)
  std::string error_description;
};

// `Bearer resource_metadata="…", scope="…", error="…", error_description="…"`,
// empty members left out. Values are reduced to what a quoted-string may
// hold (RFC 6750 §3: %x20-21 / %x23-5B / %x5D-7E): a description that
// quotes the token must not break the header.
std::string format_bearer_challenge(const BearerChallenge& challenge);

}  // namespace fleetmcp::gateway::oauth
