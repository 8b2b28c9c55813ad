// Base64 (RFC 4648 §4, with padding): bytea values in answers and HTTP Basic
// credentials. JOSE's unpadded base64url is gateway/oauth/base64url.h.
#pragma once

#include <string>
#include <string_view>

namespace fleetmcp::text {

std::string base64(std::string_view bytes);

}  // namespace fleetmcp::text
