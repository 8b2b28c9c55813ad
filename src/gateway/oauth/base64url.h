// Base64url (RFC 4648 §5) without padding, as JOSE uses it (RFC 7515 §2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetmcp::gateway::oauth {

// The bytes, or nullopt for anything but canonical unpadded base64url: a
// character outside A-Z a-z 0-9 - _, padding, a length of 4n+1, or unused
// trailing bits that are not zero (two spellings of one value would let a
// token be altered without changing what it says).
std::optional<std::string> decode_base64url(std::string_view text);

std::string encode_base64url(std::string_view bytes);

}  // namespace fleetmcp::gateway::oauth
