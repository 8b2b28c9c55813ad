#include "context/resource_registry.h"

#include <algorithm>

namespace fleetmcp::context {
namespace {

// Cursors are "offset:N": opaque to clients, checked strictly here.
constexpr std::string_view kCursorPrefix = "offset:";

std::size_t offset_of(const std::string& cursor) {
  if (cursor.empty()) return 0;
  const std::string_view digits = std::string_view(cursor).substr(std::min(cursor.size(), kCursorPrefix.size()));
  if (cursor.rfind(kCursorPrefix, 0) != 0 || digits.empty() || digits.size() > 9 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    throw std::invalid_argument("unknown cursor; pass the nextCursor of the previous page, or none for the first");
  return static_cast<std::size_t>(std::stoul(std::string(digits)));
}

}  // namespace

CacheHint ResourceRegistry::combined_hint() const {
  if (providers_.empty()) return {};
  CacheHint hint = providers_.front()->cache_hint();
  for (const auto& provider : providers_) {
    const CacheHint own = provider->cache_hint();
    hint.ttl = std::min(hint.ttl, own.ttl);
    hint.per_caller = hint.per_caller || own.per_caller;
  }
  return hint;
}

ListPage ResourceRegistry::list(const std::string& cursor, const std::string& caller) const {
  const std::size_t offset = offset_of(cursor);
  std::vector<nlohmann::json> all;
  for (const auto& provider : providers_) {
    auto listed = provider->list(caller);
    all.insert(all.end(), std::make_move_iterator(listed.begin()), std::make_move_iterator(listed.end()));
  }
  // The list can shrink between pages (a table dropped): past its end is an empty last page.
  ListPage page;
  page.hint = combined_hint();
  const std::size_t end = std::min(all.size(), offset + kPageSize);
  for (std::size_t i = offset; i < end; ++i) page.items.push_back(std::move(all[i]));
  if (end < all.size()) page.next_cursor = std::string(kCursorPrefix) + std::to_string(end);
  return page;
}

ListPage ResourceRegistry::templates() const {
  ListPage page;
  page.hint = combined_hint();
  for (const auto& provider : providers_)
    for (auto& entry : provider->templates()) page.items.push_back(std::move(entry));
  return page;
}

std::pair<nlohmann::json, CacheHint> ResourceRegistry::read(const std::string& uri, const std::string& caller) const {
  for (const auto& provider : providers_)
    if (provider->owns(uri)) return {provider->read(uri, caller), provider->cache_hint()};
  throw ResourceNotFound("no resource has this URI; table descriptions are fleetmcp://table/{schema}/{name} "
                         "(see resources/list or resources/templates/list)");
}

}  // namespace fleetmcp::context
