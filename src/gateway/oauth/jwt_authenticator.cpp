// Key selection with at most one refresh per unknown kid (rate-limited in IssuerKeys).
#include "gateway/oauth/jwt_authenticator.h"

#include <chrono>

namespace fleetmcp::gateway::oauth {

JwtAuthenticator::JwtAuthenticator(JwtPolicy policy, IssuerKeys& keys, std::function<std::int64_t()> now_s)
    : policy_(std::move(policy)), keys_(keys), now_s_(std::move(now_s)) {
  if (!now_s_)
    now_s_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
}

std::variant<JwtIdentity, JwtRefusal> JwtAuthenticator::authenticate(std::string_view token) const {
  auto decoded = decode_jwt(token, policy_);
  if (const auto* refused = std::get_if<JwtRefusal>(&decoded)) return *refused;
  const DecodedJwt& jwt = std::get<DecodedJwt>(decoded);
  // Only a structurally sound token with a supported alg gets this far, so
  // garbage never reaches the issuer; a made-up kid does, once per interval.
  auto keys = keys_.stale() ? keys_.refresh() : keys_.current();
  const Jwk* key = keys ? keys->find(jwt.kid, jwt.kid_given) : nullptr;
  if (key == nullptr) {
    keys = keys_.refresh();
    key = keys ? keys->find(jwt.kid, jwt.kid_given) : nullptr;
  }
  if (!keys) return JwtRefusal{JwtRefusal::Kind::issuer_unavailable, "the issuer's signing keys cannot be fetched now"};
  return verify_jwt(jwt, key, policy_, now_s_());
}

}  // namespace fleetmcp::gateway::oauth
