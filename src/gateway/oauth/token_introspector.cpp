// The introspection round trip and its cache.
#include "gateway/oauth/token_introspector.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace fleetmcp::gateway::oauth {

std::string token_digest(std::string_view token) {
  const TokenDigest digest = digest_of(token);  // as the static tokens are kept
  return std::string(digest.begin(), digest.end());
}

std::optional<JwtIdentity> IntrospectionCache::find(const std::string& digest, std::int64_t now_s) {
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(digest);
  if (found == entries_.end()) return std::nullopt;
  if (now_s >= found->second.until_s) {
    oldest_.erase(found->second.age);
    entries_.erase(found);
    return std::nullopt;
  }
  return found->second.identity;
}

void IntrospectionCache::store(const std::string& digest, JwtIdentity identity, std::int64_t until_s) {
  if (max_entries_ == 0) return;
  std::lock_guard lock(mutex_);
  if (const auto found = entries_.find(digest); found != entries_.end()) {
    oldest_.erase(found->second.age);
    entries_.erase(found);
  }
  while (entries_.size() >= max_entries_) {
    entries_.erase(oldest_.front());
    oldest_.pop_front();
  }
  oldest_.push_back(digest);
  entries_.emplace(digest, Entry{std::move(identity), until_s, std::prev(oldest_.end())});
}

std::size_t IntrospectionCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

FetchedDocument post_introspection(const std::string& url, const std::string& authorization, const std::string& form) {
  FetchLimits limits;
  // Each request waits for this answer: a few seconds, then the caller hears
  // that the server is unavailable rather than hanging with it.
  limits.timeout = std::chrono::milliseconds(5'000);
  limits.max_body_bytes = 64 * 1024;  // an answer is a few claims, not a document
  return http_post_form(url, authorization, form, limits);
}

TokenIntrospector::TokenIntrospector(IntrospectionPolicy policy, IntrospectionClient client, std::int64_t cache_ttl_s,
                                     IntrospectionPost post, std::function<std::int64_t()> now_s)
    : policy_(std::move(policy)),
      client_(std::move(client)),
      authorization_(basic_authorization(client_.client_id, client_.client_secret)),
      cache_ttl_s_(cache_ttl_s),
      post_(post ? std::move(post) : IntrospectionPost(post_introspection)),
      now_s_(std::move(now_s)) {
  if (!now_s_)
    now_s_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    };
}

IntrospectionVerdict TokenIntrospector::authenticate(std::string_view token) const {
  if (auto refused = unsendable_token_refusal(token, policy_.claims)) return *refused;
  const std::string digest = token_digest(token);
  if (cache_ttl_s_ > 0)
    if (auto identity = cache_.find(digest, now_s_())) return IntrospectedToken{std::move(*identity), std::nullopt};
  IntrospectionVerdict verdict;
  try {
    const FetchedDocument answer = post_(client_.url, authorization_, introspection_form(token));
    verdict = introspection_verdict(answer.status, answer.body, policy_, now_s_());
  } catch (const FetchError& failure) {
    // The message names the URL only: the form and the header are not in it.
    verdict = IntrospectionUnavailable{failure.what()};
  }
  if (const auto* unavailable = std::get_if<IntrospectionUnavailable>(&verdict))
    spdlog::error("OAuth introspection: {}", unavailable->description);
  if (const auto* active = std::get_if<IntrospectedToken>(&verdict); active && cache_ttl_s_ > 0) {
    const std::int64_t now = now_s_();
    const std::int64_t until = std::min(now + cache_ttl_s_, active->exp.value_or(now + cache_ttl_s_));
    cache_.store(digest, active->identity, until);
  }
  return verdict;
}

}  // namespace fleetmcp::gateway::oauth
