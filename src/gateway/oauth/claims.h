// The checks an access token's claims get, wherever the claims came from: a
// verified JWT's payload (RFC 9068) or an introspection response (RFC 7662,
// whose members mirror the JWT claims). One implementation, so that the two
// paths cannot drift apart on what an audience, a scope or a date means.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/oauth/jwt.h"

namespace fleetmcp::gateway::oauth {

// A NumericDate member (RFC 7519 §2): absent → nullopt; not a number or
// beyond ±2^53 s → a refusal naming it.
std::variant<std::optional<std::int64_t>, JwtRefusal> numeric_date(const nlohmann::json& claims, const char* name);

// aud as a string or an array of strings contains `audience`.
bool audience_matches(const nlohmann::json& aud, const std::string& audience);

// Appends the words of `name` ("a b" or ["a","b"]): RFC 8693's scope, or scp
// as Okta (array) and Entra ID (space-separated string) write it.
void add_scopes(const nlohmann::json& claims, const char* name, std::vector<std::string>& scopes);

// exp (required or not), nbf and iat against `now` with the policy's leeway.
std::optional<JwtRefusal> time_refusal(const nlohmann::json& claims, const JwtPolicy& policy, std::int64_t now,
                                       bool exp_required);

// The first of `names` that is a non-empty string, sanitised; empty when none is.
std::string caller_from(const nlohmann::json& claims, const std::vector<std::string>& names);

// The first required scope not in `scopes` as an insufficient_scope refusal.
std::optional<JwtRefusal> scope_refusal(const std::vector<std::string>& scopes, const JwtPolicy& policy);

}  // namespace fleetmcp::gateway::oauth
