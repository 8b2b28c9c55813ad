// The issuer's signing keys, found the way RFC 8414 and OpenID Connect
// Discovery say (metadata → jwks_uri → JWKS) and cached. An unknown kid
// (the issuer rotated its keys) triggers a refresh, at most one per 30 s so
// that tokens with made-up kids cannot make the gateway hammer the issuer.
// Safe to use from every connection thread at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/oauth/http_client.h"
#include "gateway/oauth/jwks.h"

namespace fleetmcp::gateway::oauth {

// What discovery found, step by step, for `gateway --check` and the log.
struct DiscoveryResult {
  std::string metadata_url;  // the document that answered
  nlohmann::json metadata;   // its content
  std::string jwks_uri;
  std::shared_ptr<const JwkSet> keys;
  std::vector<std::string> tried;  // "url: why not" for each metadata URL that failed
};

struct DiscoveryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Where an issuer's metadata may be, in the order to try: RFC 8414's
// (well-known inserted before the issuer's path), then OpenID Connect's
// (appended), then RFC 8414's name appended (what some servers do instead).
std::vector<std::string> metadata_urls(const std::string& issuer);

using Fetch = std::function<FetchedDocument(const std::string& url)>;

// The metadata only (keys null). Throws DiscoveryError with every URL tried
// and why each failed.
DiscoveryResult discover_issuer_metadata(const std::string& issuer, const Fetch& fetch);

// The metadata, then the keys its jwks_uri names. Throws DiscoveryError.
DiscoveryResult discover_issuer_keys(const std::string& issuer, const Fetch& fetch);

// The metadata's introspection_endpoint (RFC 8414 §2), checked like the
// issuer's URL; throws DiscoveryError when it has none or an insecure one.
std::string introspection_endpoint(const DiscoveryResult& found);

class IssuerKeys {
 public:
  using Clock = std::chrono::steady_clock;
  explicit IssuerKeys(std::string issuer, Fetch fetch = nullptr);

  // The keys as last fetched; nullptr before any fetch succeeded.
  std::shared_ptr<const JwkSet> current() const;

  // Fetches again unless a fetch started less than `min_interval` ago (then
  // returns what is cached). A failure keeps the old keys and is logged.
  std::shared_ptr<const JwkSet> refresh();

  // Whether the keys are older than `max_age` (or missing): revoked keys
  // should not verify tokens forever.
  bool stale() const;

  std::chrono::seconds min_interval{30};
  std::chrono::seconds max_age{3600};

 private:
  std::string issuer_;
  Fetch fetch_;
  std::mutex fetching_;  // one fetch at a time; held across the network call
  mutable std::mutex state_;  // guards the members below; never held across the network
  std::shared_ptr<const JwkSet> keys_;
  Clock::time_point fetched_{};
  Clock::time_point attempted_{};
  bool attempted_once_ = false;
};

}  // namespace fleetmcp::gateway::oauth
