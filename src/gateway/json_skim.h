// Finds the members of a JSON object's top level without building the object,
// so the gateway can route a child's answer and put the client's id back
// without parsing and re-serialising a result that may hold megabytes of rows.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace fleetmcp::gateway {

struct SkimmedMember {
  std::string_view key;       // as written between the quotes (escapes left as they are)
  std::size_t value_offset;   // where the value's text starts in the object's text
  std::size_t value_size;
};

// nullopt unless `text` is one object (whitespace around allowed) whose
// strings end and whose brackets and braces balance. Values are not validated
// beyond that: this reads text from our own child, which writes valid JSON.
std::optional<std::vector<SkimmedMember>> top_level_members(std::string_view text);

// The member named `key`, if present.
const SkimmedMember* find_member(const std::vector<SkimmedMember>& members, std::string_view key);

}  // namespace fleetmcp::gateway
