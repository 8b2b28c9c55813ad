// Claim checks shared by the JWT and the introspection paths.
#include "gateway/oauth/claims.h"

#include <algorithm>
#include <cmath>

namespace fleetmcp::gateway::oauth {

using nlohmann::json;

std::variant<std::optional<std::int64_t>, JwtRefusal> numeric_date(const json& claims, const char* name) {
  const auto found = claims.find(name);
  if (found == claims.end()) return std::optional<std::int64_t>{};
  if (!found->is_number() || !std::isfinite(found->get<double>()))
    return invalid(std::string("the ") + name + " claim is not a number");
  // Beyond ±2^53 s no date is meant, and the conversion below would overflow.
  if (std::fabs(found->get<double>()) > 9007199254740992.0)
    return invalid(std::string("the ") + name + " claim is out of range");
  return std::optional<std::int64_t>(static_cast<std::int64_t>(std::floor(found->get<double>())));
}

bool audience_matches(const json& aud, const std::string& audience) {
  if (aud.is_string()) return aud.get<std::string>() == audience;
  if (!aud.is_array()) return false;
  return std::any_of(aud.begin(), aud.end(), [&](const json& entry) { return entry.is_string() && entry == audience; });
}

void add_scopes(const json& claims, const char* name, std::vector<std::string>& scopes) {
  const auto found = claims.find(name);
  if (found == claims.end()) return;
  auto add_words = [&](const std::string& text) {
    std::size_t start = 0;
    while (start < text.size()) {
      const auto end = std::min(text.find(' ', start), text.size());
      if (end > start) scopes.push_back(text.substr(start, end - start));
      start = end + 1;
    }
  };
  if (found->is_string()) add_words(found->get<std::string>());
  if (found->is_array())
    for (const auto& entry : *found)
      if (entry.is_string()) add_words(entry.get<std::string>());
}

std::optional<JwtRefusal> time_refusal(const json& claims, const JwtPolicy& policy, std::int64_t now,
                                       bool exp_required) {
  const auto exp = numeric_date(claims, "exp");
  const auto nbf = numeric_date(claims, "nbf");
  const auto iat = numeric_date(claims, "iat");
  for (const auto* date : {&exp, &nbf, &iat})
    if (const auto* refused = std::get_if<JwtRefusal>(date)) return *refused;
  const auto expires = std::get<0>(exp);
  if (!expires && exp_required) return invalid("the token has no exp claim");
  if (expires && now > *expires + policy.leeway_s) return invalid("the token expired");
  if (const auto not_before = std::get<0>(nbf); not_before && *not_before > now + policy.leeway_s)
    return invalid("the token is not valid yet (nbf)");
  if (const auto issued = std::get<0>(iat); issued && *issued > now + policy.leeway_s)
    return invalid("the token was issued in the future (iat); check the clocks");
  return std::nullopt;
}

std::string caller_from(const json& claims, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    const auto found = claims.find(name);
    if (found != claims.end() && found->is_string() && !found->get<std::string>().empty())
      return sanitised_caller(found->get<std::string>());
  }
  return {};
}

std::optional<JwtRefusal> scope_refusal(const std::vector<std::string>& scopes, const JwtPolicy& policy) {
  for (const auto& scope : policy.required_scopes)
    if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end())
      return JwtRefusal{JwtRefusal::Kind::insufficient_scope, "the token lacks the scope " + scope};
  return std::nullopt;
}

}  // namespace fleetmcp::gateway::oauth
