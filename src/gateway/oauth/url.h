// The parts of an absolute http(s) URL that the OAuth code needs: where to
// connect, what to ask for, and whether plain HTTP may be used there.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetmcp::gateway::oauth {

struct HttpUrl {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // as written, IPv6 without brackets
  std::string port;    // explicit or the scheme's default
  std::string target;  // path and query, at least "/"
  bool tls() const { return scheme == "https"; }
};

// nullopt unless `text` is http(s)://host[:port][/path][?query] with no
// user info, fragment, whitespace or control characters.
std::optional<HttpUrl> parse_http_url(std::string_view text);

// Why `text` may not be used to reach an identity provider (empty when it
// may): not an http(s) URL, or plain http to a host other than loopback —
// tokens and keys must not travel where anyone on the path can change them.
std::string insecure_url_refusal(std::string_view text, std::string_view setting);

}  // namespace fleetmcp::gateway::oauth
