// MCP's rules for values carried in HTTP headers (2026-07-28 Streamable HTTP,
// "Value Encoding"): optional whitespace and the =?base64?…?= sentinel.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetmcp::gateway {

std::string_view trim_ows(std::string_view value);

// The value a client meant: trimmed, and decoded when it uses the Base64
// sentinel. nullopt for a malformed sentinel or bytes no header may carry.
std::optional<std::string> decode_header_value(std::string_view raw);

}  // namespace fleetmcp::gateway
