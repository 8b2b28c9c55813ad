// Discovery and the rate-limited key cache.
#include "gateway/oauth/issuer_keys.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "gateway/oauth/url.h"

namespace fleetmcp::gateway::oauth {
namespace {

using nlohmann::json;

// The JSON object at `url`; throws with the reason in words.
json fetch_object(const Fetch& fetch, const std::string& url) {
  const FetchedDocument document = fetch(url);
  if (document.status != 200) throw FetchError("HTTP " + std::to_string(document.status));
  json value = json::parse(document.body, nullptr, false);
  if (!value.is_object()) throw FetchError("not a JSON object");
  return value;
}

}  // namespace

std::vector<std::string> metadata_urls(const std::string& issuer) {
  const auto scheme_end = issuer.find("://");
  const auto path_start = issuer.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  const std::string origin = issuer.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "" : issuer.substr(path_start);
  if (path == "/") path.clear();
  std::string trimmed = issuer;
  if (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  std::vector<std::string> urls = {origin + "/.well-known/oauth-authorization-server" + path,
                                   trimmed + "/.well-known/openid-configuration",
                                   trimmed + "/.well-known/oauth-authorization-server"};
  std::vector<std::string> distinct;
  for (auto& url : urls)
    if (std::find(distinct.begin(), distinct.end(), url) == distinct.end()) distinct.push_back(std::move(url));
  return distinct;
}

DiscoveryResult discover_issuer_metadata(const std::string& issuer, const Fetch& fetch) {
  DiscoveryResult result;
  json metadata;
  for (const auto& url : metadata_urls(issuer)) {
    try {
      metadata = fetch_object(fetch, url);
    } catch (const std::exception& failure) {
      result.tried.push_back(url + ": " + failure.what());
      continue;
    }
    // RFC 8414 §3.3: the document must name the issuer it was fetched for,
    // or it speaks for someone else (a trailing slash is the usual cause).
    const std::string named = metadata.value("issuer", std::string{});
    if (named != issuer) {
      result.tried.push_back(url + ": names the issuer '" + named + "', not '" + issuer +
                             "' (set MCP_OAUTH_ISSUER to exactly what the server calls itself)");
      metadata = nullptr;
      continue;
    }
    result.metadata_url = url;
    result.metadata = metadata;
    break;
  }
  if (result.metadata_url.empty()) {
    std::string why = "no authorization server metadata for " + issuer + ":";
    for (const auto& attempt : result.tried) why += "\n  " + attempt;
    throw DiscoveryError(why);
  }
  return result;
}

std::string introspection_endpoint(const DiscoveryResult& found) {
  const auto endpoint = found.metadata.find("introspection_endpoint");
  if (endpoint == found.metadata.end() || !endpoint->is_string())
    throw DiscoveryError(found.metadata_url + " names no introspection_endpoint: set MCP_OAUTH_INTROSPECTION_URL");
  std::string url = endpoint->get<std::string>();
  if (const std::string why = insecure_url_refusal(url, "the issuer's introspection_endpoint"); !why.empty())
    throw DiscoveryError(why);
  return url;
}

DiscoveryResult discover_issuer_keys(const std::string& issuer, const Fetch& fetch) {
  DiscoveryResult result = discover_issuer_metadata(issuer, fetch);
  const json& metadata = result.metadata;
  const auto jwks_uri = metadata.find("jwks_uri");
  if (jwks_uri == metadata.end() || !jwks_uri->is_string())
    throw DiscoveryError(result.metadata_url + " has no jwks_uri: the server publishes no keys to verify JWTs with");
  result.jwks_uri = jwks_uri->get<std::string>();
  if (const std::string why = insecure_url_refusal(result.jwks_uri, "jwks_uri"); !why.empty()) throw DiscoveryError(why);
  try {
    result.keys = std::make_shared<const JwkSet>(parse_jwks(fetch_object(fetch, result.jwks_uri)));
  } catch (const std::exception& failure) {
    throw DiscoveryError("the JWKS at " + result.jwks_uri + ": " + failure.what());
  }
  if (result.keys->keys.empty())
    throw DiscoveryError("the JWKS at " + result.jwks_uri + " has no usable signing key" +
                         (result.keys->skipped.empty() ? std::string{} : " (" + result.keys->skipped.front() + ")"));
  return result;
}

IssuerKeys::IssuerKeys(std::string issuer, Fetch fetch)
    : issuer_(std::move(issuer)),
      fetch_(fetch ? std::move(fetch) : Fetch([](const std::string& url) { return http_get(url); })) {}

std::shared_ptr<const JwkSet> IssuerKeys::current() const {
  std::lock_guard lock(state_);
  return keys_;
}

bool IssuerKeys::stale() const {
  std::lock_guard lock(state_);
  return !keys_ || Clock::now() - fetched_ > max_age;
}

std::shared_ptr<const JwkSet> IssuerKeys::refresh() {
  std::lock_guard one_fetch(fetching_);
  {
    // Whoever waited on fetching_ behind a fetch finds it just done here.
    std::lock_guard lock(state_);
    if (attempted_once_ && Clock::now() - attempted_ < min_interval) return keys_;
    attempted_ = Clock::now();
    attempted_once_ = true;
  }
  try {
    DiscoveryResult found = discover_issuer_keys(issuer_, fetch_);
    spdlog::info("OAuth: {} signing key(s) from {}", found.keys->keys.size(), found.jwks_uri);
    for (const auto& skipped : found.keys->skipped) spdlog::info("OAuth: skipped {}", skipped);
    std::lock_guard lock(state_);
    keys_ = std::move(found.keys);
    fetched_ = Clock::now();
    return keys_;
  } catch (const std::exception& failure) {
    spdlog::warn("OAuth: cannot fetch the issuer's keys (keeping {}): {}", current() ? "the cached ones" : "none",
                 failure.what());
    return current();
  }
}

}  // namespace fleetmcp::gateway::oauth
