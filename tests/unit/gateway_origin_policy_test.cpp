// Tests the DNS-rebinding defence: which Host and Origin headers reach the MCP
// endpoint on a loopback listener, with allow-lists, and on an open listener.
#include <string>

#include <doctest/doctest.h>

#include "gateway/origin_policy.h"

using fleetmcp::gateway::HttpRequest;
using fleetmcp::gateway::OriginPolicy;

namespace {

HttpRequest request_with(const std::string& host, const std::string& origin = {}) {
  HttpRequest request;
  request.method = "POST";
  request.target = request.path = "/mcp";
  if (!host.empty()) request.headers.emplace_back("Host", host);
  if (!origin.empty()) request.headers.emplace_back("Origin", origin);
  return request;
}

bool accepted(const OriginPolicy& policy, const std::string& host, const std::string& origin = {}) {
  return policy.refusal(request_with(host, origin)).empty();
}

OriginPolicy loopback() {
  OriginPolicy policy;
  policy.loopback_listener = true;
  return policy;
}

}  // namespace

TEST_CASE("a loopback listener accepts loopback Host names, with or without a port") {
  const OriginPolicy policy = loopback();
  CHECK(accepted(policy, "localhost"));
  CHECK(accepted(policy, "LOCALHOST:8892"));
  CHECK(accepted(policy, "127.0.0.1:8892"));
  CHECK(accepted(policy, "127.1.2.3"));
  CHECK(accepted(policy, "[::1]:8892"));
}

TEST_CASE("a loopback listener refuses other Host names: the rebinding attack's own name") {
  const OriginPolicy policy = loopback();
  CHECK_FALSE(accepted(policy, "evil.example:8892"));
  CHECK_FALSE(accepted(policy, "localhost.evil.example"));
  CHECK_FALSE(accepted(policy, "10.0.0.5"));
  CHECK_FALSE(accepted(policy, ""));  // no Host at all
  // Names that only look like loopback addresses resolve wherever their owner says.
  CHECK_FALSE(accepted(policy, "127.evil.example"));
  CHECK_FALSE(accepted(policy, "127.0.0.1.evil.example:8892"));
  CHECK_FALSE(accepted(policy, "[::1.evil.example]"));
  const std::string why = policy.refusal(request_with("evil.example:8892"));
  CHECK(why == "Host evil.example:8892 is not accepted here");
}

TEST_CASE("a loopback listener accepts loopback Origins only, unless listed") {
  const OriginPolicy policy = loopback();
  CHECK(accepted(policy, "localhost:8892", "http://localhost:3000"));
  CHECK(accepted(policy, "localhost:8892", "http://127.0.0.1:8892"));
  CHECK(accepted(policy, "localhost:8892", "https://[::1]:443"));
  CHECK_FALSE(accepted(policy, "localhost:8892", "https://evil.example"));
  CHECK_FALSE(accepted(policy, "localhost:8892", "http://127.evil.example"));
  CHECK_FALSE(accepted(policy, "localhost:8892", "null"));  // sandboxed frames, file: pages
  CHECK_FALSE(accepted(policy, "localhost:8892", "localhost"));  // not an origin
  const std::string why = policy.refusal(request_with("localhost", "https://evil.example"));
  CHECK(why.find("Origin https://evil.example is not allowed") == 0);
  CHECK(why.find("MCP_ALLOWED_ORIGINS") != std::string::npos);
}

TEST_CASE("listed origins are accepted exactly, ignoring case") {
  OriginPolicy policy = loopback();
  policy.allowed_origins = {"https://Claude.ai"};
  CHECK(accepted(policy, "localhost", "https://claude.ai"));
  CHECK(accepted(policy, "localhost", "HTTPS://CLAUDE.AI"));
  CHECK_FALSE(accepted(policy, "localhost", "http://claude.ai"));        // another scheme
  CHECK_FALSE(accepted(policy, "localhost", "https://claude.ai:8443"));  // another port
  CHECK_FALSE(accepted(policy, "localhost", "https://claude.ai.evil.example"));
}

TEST_CASE("without an Origin header (not a browser) only the Host matters") {
  OriginPolicy open;  // a public listener with no lists: any Host, no Origin check to pass
  CHECK(accepted(open, "mcp.example.com"));
  CHECK(accepted(open, ""));
  // But a browser from a site not listed is refused even there.
  CHECK_FALSE(accepted(open, "mcp.example.com", "https://evil.example"));
  CHECK_FALSE(accepted(open, "mcp.example.com", "http://localhost:3000"));  // loopback origins are for loopback listeners
}

TEST_CASE("MCP_ALLOWED_HOSTS limits the Host names of a public listener") {
  OriginPolicy policy;
  policy.allowed_hosts = {"MCP.example.com"};
  CHECK(accepted(policy, "mcp.example.com"));
  CHECK(accepted(policy, "mcp.example.com:443"));
  CHECK_FALSE(accepted(policy, "other.example.com"));
  CHECK_FALSE(accepted(policy, "localhost"));  // not a loopback listener
  CHECK_FALSE(accepted(policy, ""));
}

TEST_CASE("on a loopback listener, listed hosts are accepted besides loopback names") {
  OriginPolicy policy = loopback();
  policy.allowed_hosts = {"fleet.internal"};
  CHECK(accepted(policy, "fleet.internal:8892"));
  CHECK(accepted(policy, "127.0.0.1"));
  CHECK_FALSE(accepted(policy, "other.internal"));
}
