// Percent-encoding (RFC 3986 §2.1) both ways, and its form variant: resource
// URIs (context/resource_uri.h) and OAuth forms and Basic credentials
// (gateway/oauth/introspection.h) spell bytes the same way.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetmcp::text {

// Every byte but RFC 3986's unreserved characters becomes %XX.
std::string percent_encode(std::string_view text);

// application/x-www-form-urlencoded (RFC 6749 Appendix B): the same, but a
// space becomes '+'.
std::string form_urlencoded(std::string_view text);

// %XX back to bytes; nullopt for a malformed escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace fleetmcp::text
