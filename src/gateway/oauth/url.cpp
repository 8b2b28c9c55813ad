// URL splitting for the OAuth client side.
#include "gateway/oauth/url.h"

#include <algorithm>
#include <cctype>

#include "gateway/origin_policy.h"

namespace fleetmcp::gateway::oauth {

std::optional<HttpUrl> parse_http_url(std::string_view text) {
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c <= 0x20 || c >= 0x7f; })) return std::nullopt;
  HttpUrl url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  url.scheme = std::string(text.substr(0, scheme_end));
  std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (url.scheme != "http" && url.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  const auto authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  url.target = authority_end == std::string_view::npos ? "/" : std::string(rest.substr(authority_end));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return std::nullopt;
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return std::nullopt;
  if (authority.find(':') != std::string_view::npos && authority.front() != '[' && port.empty()) return std::nullopt;
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
      return std::nullopt;
    url.port = std::string(port);
  } else {
    url.port = url.tls() ? "443" : "80";
  }
  return url;
}

std::string insecure_url_refusal(std::string_view text, std::string_view setting) {
  const auto url = parse_http_url(text);
  if (!url) return std::string(setting) + " must be an absolute https:// URL without a fragment, got '" + std::string(text) + "'";
  const std::string bracketed = url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host;
  if (!url->tls() && !is_loopback_name(bracketed))
    return std::string(setting) + " " + std::string(text) +
           ": plain http is allowed only to a loopback address (127.0.0.1, [::1], localhost); use https";
  return {};
}

}  // namespace fleetmcp::gateway::oauth
