// A single forward pass over the text: strings are skipped with memchr, so a
// large escaped string (a query result) costs little more than a copy.
#include "gateway/json_skim.h"

#include <cstring>

namespace fleetmcp::gateway {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::size_t skip_space(std::string_view text, std::size_t at) {
  while (at < text.size() && is_space(text[at])) ++at;
  return at;
}

// `at` is on an opening quote; returns the offset just past the closing one,
// or npos. A quote preceded by an odd run of backslashes is escaped.
std::size_t skip_string(std::string_view text, std::size_t at) {
  std::size_t from = at + 1;
  for (;;) {
    const void* found = std::memchr(text.data() + from, '"', text.size() - from);
    if (found == nullptr) return std::string_view::npos;
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(found) - text.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > at + 1 && text[quote - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return quote + 1;
    from = quote + 1;
  }
}

// `at` is on the first character of a value; returns the offset just past it, or npos.
std::size_t skip_value(std::string_view text, std::size_t at) {
  if (at >= text.size()) return std::string_view::npos;
  const char first = text[at];
  if (first == '"') return skip_string(text, at);
  if (first == '{' || first == '[') {
    std::size_t depth = 0;
    while (at < text.size()) {
      const char c = text[at];
      if (c == '"') {
        at = skip_string(text, at);
        if (at == std::string_view::npos) return at;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) return std::string_view::npos;
        if (--depth == 0) return at + 1;
      }
      ++at;
    }
    return std::string_view::npos;
  }
  // A number, true, false or null: up to the next delimiter.
  const std::size_t start = at;
  while (at < text.size() && !is_space(text[at]) && text[at] != ',' && text[at] != '}' && text[at] != ']') ++at;
  return at > start ? at : std::string_view::npos;
}

}  // namespace

std::optional<std::vector<SkimmedMember>> top_level_members(std::string_view text) {
  std::vector<SkimmedMember> members;
  std::size_t at = skip_space(text, 0);
  if (at >= text.size() || text[at] != '{') return std::nullopt;
  at = skip_space(text, at + 1);
  if (at < text.size() && text[at] == '}') return skip_space(text, at + 1) == text.size() ? std::optional(members) : std::nullopt;
  for (;;) {
    if (at >= text.size() || text[at] != '"') return std::nullopt;
    const std::size_t key_end = skip_string(text, at);
    if (key_end == std::string_view::npos) return std::nullopt;
    const std::string_view key = text.substr(at + 1, key_end - at - 2);
    at = skip_space(text, key_end);
    if (at >= text.size() || text[at] != ':') return std::nullopt;
    const std::size_t value_start = skip_space(text, at + 1);
    const std::size_t value_end = skip_value(text, value_start);
    if (value_end == std::string_view::npos) return std::nullopt;
    members.push_back({key, value_start, value_end - value_start});
    at = skip_space(text, value_end);
    if (at >= text.size()) return std::nullopt;
    if (text[at] == '}') break;
    if (text[at] != ',') return std::nullopt;
    at = skip_space(text, at + 1);
  }
  if (skip_space(text, at + 1) != text.size()) return std::nullopt;
  return members;
}

const SkimmedMember* find_member(const std::vector<SkimmedMember>& members, std::string_view key) {
  for (const auto& member : members)
    if (member.key == key) return &member;
  return nullptr;
}

}  // namespace fleetmcp::gateway
