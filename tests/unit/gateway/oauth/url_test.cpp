// Tests URL splitting and where plain http is allowed.
#include <doctest/doctest.h>

#include "gateway/oauth/url.h"

using namespace fleetmcp::gateway::oauth;

TEST_CASE("http(s) URLs split into host, port and target") {
  auto url = parse_http_url("https://id.example.com/realms/fleet?x=1");
  REQUIRE(url);
  CHECK(url->host == "id.example.com");
  CHECK(url->port == "443");
  CHECK(url->target == "/realms/fleet?x=1");
  url = parse_http_url("http://[::1]:9000");
  REQUIRE(url);
  CHECK(url->host == "::1");
  CHECK(url->port == "9000");
  CHECK(url->target == "/");
  CHECK(parse_http_url("HTTPS://a.example?q")->target == "/?q");
  for (const char* bad : {"ftp://a", "https://", "https://user@a", "https://a:", "https://a:99999x", "https://a/#f",
                          "https://a /b", "//a/b", "https://[::1"})
    CHECK_MESSAGE(!parse_http_url(bad), bad);
}

TEST_CASE("plain http only to loopback") {
  CHECK(insecure_url_refusal("https://id.example.com", "X").empty());
  CHECK(insecure_url_refusal("http://127.0.0.1:4000/oidc", "X").empty());
  CHECK(insecure_url_refusal("http://[::1]:4000", "X").empty());
  CHECK(insecure_url_refusal("http://localhost:4000", "X").empty());
  CHECK(insecure_url_refusal("http://127.example.com", "X").find("plain http") != std::string::npos);
  CHECK(insecure_url_refusal("http://10.0.0.1", "X").find("plain http") != std::string::npos);
  CHECK(insecure_url_refusal("mailto:a", "X").starts_with("X must be an absolute https:// URL"));
}
