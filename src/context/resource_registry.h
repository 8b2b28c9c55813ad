// Where resources come from. Each provider serves one family of URIs (today
// the table descriptions; files written by an export can be another); the
// registry lists them all, pages the list, and hands a read to the provider
// that owns the URI.
#pragma once

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::context {

// The URI names nothing this server will show; `reason` says why, for the
// model (never what an unreadable schema holds).
struct ResourceNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How long a client may keep what a provider answered, and for whom.
struct CacheHint {
  std::chrono::milliseconds ttl{0};
  bool per_caller = false;  // cacheScope "private" instead of "public"
};

class ResourceProvider {
 public:
  virtual ~ResourceProvider() = default;
  // Resource objects (uri, name, title, description, mimeType) that
  // `caller` (the analyst asking, as the audit line names them) may see.
  virtual std::vector<nlohmann::json> list(const std::string& caller) = 0;
  // ResourceTemplate objects (uriTemplate, name, title, description, mimeType).
  virtual std::vector<nlohmann::json> templates() const = 0;
  virtual bool owns(std::string_view uri) const = 0;
  // The contents array of resources/read; throws ResourceNotFound.
  virtual nlohmann::json read(const std::string& uri, const std::string& caller) = 0;
  virtual CacheHint cache_hint() const = 0;
};

// One page of a list and the cursor of the next (empty on the last page).
struct ListPage {
  nlohmann::json items = nlohmann::json::array();
  std::string next_cursor;
  CacheHint hint;
};

class ResourceRegistry {
 public:
  // Longest resources/list page; the rest follows by nextCursor.
  static constexpr std::size_t kPageSize = 100;

  void add(std::unique_ptr<ResourceProvider> provider) { providers_.push_back(std::move(provider)); }

  // Throws std::invalid_argument for a cursor this registry did not hand out.
  ListPage list(const std::string& cursor, const std::string& caller) const;
  ListPage templates() const;
  // The contents and the owner's hint; throws ResourceNotFound.
  std::pair<nlohmann::json, CacheHint> read(const std::string& uri, const std::string& caller) const;

 private:
  // The strictest of the providers' hints: the shortest TTL, private if any is.
  CacheHint combined_hint() const;

  std::vector<std::unique_ptr<ResourceProvider>> providers_;
};

}  // namespace fleetmcp::context
