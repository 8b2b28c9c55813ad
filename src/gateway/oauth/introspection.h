// RFC 7662 token introspection, the pure parts: which tokens go there, the
// request (form and HTTP Basic client authentication) and the verdict on the
// authorization server's answer. The HTTP exchange and the cache are in
// token_introspector.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "gateway/oauth/jwt.h"

namespace fleetmcp::gateway::oauth {

struct IntrospectionPolicy {
  JwtPolicy claims;  // issuer, audience, scopes, caller claim, leeway: as for JWTs
  // An answer without aud is refused unless the operator opts out
  // (MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD): the endpoint vouches for every
  // token of the realm, including those issued for other services, and
  // only aud says this one was meant for the gateway (RFC 8707, RFC 7662 §4).
  bool audience_required = true;
};

// An active token that passed the policy, and until when it may be believed.
struct IntrospectedToken {
  JwtIdentity identity;
  std::optional<std::int64_t> exp;  // the answer's exp, when it gave one
};

// The authorization server gave no usable answer (down, wrong client
// credentials, a malformed reply): nothing is known about the token, so it
// is not the client's fault. `description` is for the operator's log and may
// name settings, never their values.
struct IntrospectionUnavailable {
  std::string description;
};

using IntrospectionVerdict = std::variant<IntrospectedToken, JwtRefusal, IntrospectionUnavailable>;

// Whether a presented token is for introspection rather than the JWKS path:
// it is not a JWS compact serialisation whose header decodes to a JSON
// object. (A malformed "JWT" is then opaque too, and the server decides.)
bool is_opaque_token(std::string_view token);

// The Authorization header value for HTTP Basic client authentication
// (RFC 6749 §2.3.1): id and secret form-urlencoded, joined by ':', base64.
std::string basic_authorization(std::string_view client_id, std::string_view client_secret);

// token=…&token_type_hint=access_token
std::string introspection_form(std::string_view token);

// A token the gateway will not send to the server (too long, or characters
// outside RFC 6750's b64token), as a refusal; nullopt when it may be sent.
std::optional<JwtRefusal> unsendable_token_refusal(std::string_view token, const JwtPolicy& policy);

// The verdict on an HTTP answer from the introspection endpoint at `now_s`.
IntrospectionVerdict introspection_verdict(int status, std::string_view body, const IntrospectionPolicy& policy,
                                           std::int64_t now_s);

}  // namespace fleetmcp::gateway::oauth
