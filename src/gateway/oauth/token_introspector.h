// Opaque access tokens → the analyst they name, through the authorization
// server's RFC 7662 introspection endpoint, with a short positive cache so
// that a session's every request does not cost a round trip. Safe to use
// from every connection thread at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "gateway/oauth/http_client.h"
#include "gateway/oauth/introspection.h"
#include "gateway/tokens.h"

namespace fleetmcp::gateway::oauth {

// SHA-256 of the token (32 raw bytes): what the cache is keyed by, so that a
// memory dump of the gateway holds no usable token.
std::string token_digest(std::string_view token);

// Positive verdicts by token digest, each until its own deadline (seconds
// since the epoch). At most `max_entries`: the oldest stored goes first.
class IntrospectionCache {
 public:
  explicit IntrospectionCache(std::size_t max_entries = 10'000) : max_entries_(max_entries) {}

  std::optional<JwtIdentity> find(const std::string& digest, std::int64_t now_s);
  void store(const std::string& digest, JwtIdentity identity, std::int64_t until_s);
  std::size_t size() const;

 private:
  struct Entry {
    JwtIdentity identity;
    std::int64_t until_s;
    std::list<std::string>::iterator age;  // its place in oldest_
  };
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> oldest_;  // digests, oldest first
};

struct IntrospectionClient {
  std::string url;
  std::string client_id;
  std::string client_secret;  // only ever in the Authorization header
};

// One POST to the endpoint: the form and the Authorization value → the answer.
using IntrospectionPost =
    std::function<FetchedDocument(const std::string& url, const std::string& authorization, const std::string& form)>;

// The real client: a few seconds, 64 KiB at most, no redirects.
FetchedDocument post_introspection(const std::string& url, const std::string& authorization, const std::string& form);

class TokenIntrospector {
 public:
  // `cache_ttl_s`: how long an active answer is believed (capped by its exp);
  // 0: ask every time. `now_s`: the system clock unless a test sets it.
  TokenIntrospector(IntrospectionPolicy policy, IntrospectionClient client, std::int64_t cache_ttl_s,
                    IntrospectionPost post = nullptr, std::function<std::int64_t()> now_s = nullptr);

  // Inactive and refused answers are never cached: a revoked token must
  // fail on its next use after the positive TTL, and a refusal is cheap
  // for the server to repeat.
  IntrospectionVerdict authenticate(std::string_view token) const;

  const std::string& url() const { return client_.url; }
  const std::string& client_id() const { return client_.client_id; }
  std::int64_t cache_ttl_s() const { return cache_ttl_s_; }
  std::size_t cached() const { return cache_.size(); }

 private:
  IntrospectionPolicy policy_;
  IntrospectionClient client_;
  std::string authorization_;
  std::int64_t cache_ttl_s_;
  IntrospectionPost post_;
  std::function<std::int64_t()> now_s_;
  mutable IntrospectionCache cache_;
};

}  // namespace fleetmcp::gateway::oauth
