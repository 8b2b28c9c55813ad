// Origin and Host checks.
#include "gateway/origin_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace fleetmcp::gateway {
namespace {

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "example.com:8892" → "example.com"; "[::1]:80" → "[::1]".
std::string host_without_port(const std::string& host) {
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

// The host of "scheme://host[:port]"; empty for anything else (including "null").
std::string origin_host(const std::string& origin) {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return {};
  return host_without_port(origin.substr(scheme_end + 3));
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return std::any_of(list.begin(), list.end(), [&](const std::string& entry) { return lowercase(entry) == value; });
}

}  // namespace

bool is_loopback_name(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  // Only a literal 127.x.y.z: a DNS name such as 127.example.com may resolve
  // to 127.0.0.1 for a moment, which is exactly how DNS rebinding works.
  in_addr address{};
  return inet_pton(AF_INET, host.c_str(), &address) == 1 && (ntohl(address.s_addr) >> 24) == 127;
}

std::string OriginPolicy::refusal(const HttpRequest& request) const {
  const std::string host = lowercase(host_without_port(request.header("Host")));
  if (!allowed_hosts.empty() || loopback_listener) {
    const bool host_ok = listed(allowed_hosts, host) || (loopback_listener && is_loopback_name(host));
    if (!host_ok) return "Host " + request.header("Host") + " is not accepted here";
  }
  if (!request.has_header("Origin")) return {};  // not a browser: nothing to rebind
  const std::string origin = lowercase(request.header("Origin"));
  if (listed(allowed_origins, origin)) return {};
  if (loopback_listener && is_loopback_name(origin_host(origin))) return {};
  return "Origin " + request.header("Origin") + " is not allowed (set MCP_ALLOWED_ORIGINS to allow it)";
}

}  // namespace fleetmcp::gateway
