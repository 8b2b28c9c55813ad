// A presented JWT → the analyst it names, or why not: decoding, the key
// its kid names (refreshing the issuer's keys once if it is new), the
// signature and the claims. Used by the endpoint after the static tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <variant>

#include "gateway/oauth/issuer_keys.h"
#include "gateway/oauth/jwt.h"

namespace fleetmcp::gateway::oauth {

class JwtAuthenticator {
 public:
  // `now_s`: seconds since the epoch; the system clock unless a test sets it.
  JwtAuthenticator(JwtPolicy policy, IssuerKeys& keys, std::function<std::int64_t()> now_s = nullptr);

  std::variant<JwtIdentity, JwtRefusal> authenticate(std::string_view token) const;

  const JwtPolicy& policy() const { return policy_; }
  IssuerKeys& keys() const { return keys_; }

 private:
  JwtPolicy policy_;
  IssuerKeys& keys_;
  std::function<std::int64_t()> now_s_;
};

}  // namespace fleetmcp::gateway::oauth
