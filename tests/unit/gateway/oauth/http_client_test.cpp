// Tests the HTTP client's POST against a real socket on loopback: the request
// as an introspection endpoint receives it (method, target, Authorization,
// form type and length, body), a redirect returned rather than followed, and
// an answer over the size cap refused without the secret or the form in the
// error.
#include <doctest/doctest.h>

#include <string>

#include "../../one_shot_server.h"
#include "gateway/oauth/http_client.h"

using namespace fleetmcp::gateway::oauth;
using fleetmcp::testing::OneShotServer;

namespace {

std::string answer(const std::string& status, const std::string& body) {
  return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace

TEST_CASE("introspection POST: the request an endpoint receives, and its answer") {
  OneShotServer server(answer("200 OK", R"({"active":false})"));
  const FetchedDocument document =
      http_post_form(server.url("/token/introspect"), "Basic Z2F0ZXdheTpzM2NyZXQ=", "token=abc&token_type_hint=access_token");
  CHECK(document.status == 200);
  CHECK(document.body == R"({"active":false})");
  server.worker.join();  // the server has read the whole request once the client has its answer
  const std::string& request = server.request;
  CHECK(request.starts_with("POST /token/introspect HTTP/1.1\r\n"));
  CHECK(request.find("\r\nAuthorization: Basic Z2F0ZXdheTpzM2NyZXQ=\r\n") != std::string::npos);
  CHECK(request.find("\r\nContent-Type: application/x-www-form-urlencoded\r\n") != std::string::npos);
  CHECK(request.find("\r\nContent-Length: 38\r\n") != std::string::npos);
  CHECK(request.ends_with("\r\n\r\ntoken=abc&token_type_hint=access_token"));
}

TEST_CASE("introspection POST: a redirect is returned, not followed") {
  OneShotServer server("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n");
  const FetchedDocument document = http_post_form(server.url("/introspect"), "Basic eA==", "token=abc");
  CHECK(document.status == 302);
}

TEST_CASE("introspection POST: an answer over the cap is refused, and the error holds neither secret nor token") {
  OneShotServer server(answer("200 OK", std::string(70 * 1024, ' ')));
  FetchLimits limits;
  limits.max_body_bytes = 64 * 1024;
  try {
    http_post_form(server.url("/introspect"), "Basic c2VjcmV0LXZhbHVl", "token=opaque-token-value", limits);
    FAIL("an oversized answer was accepted");
  } catch (const FetchError& error) {
    const std::string text = error.what();
    CHECK(text.find("larger than 65536 bytes") != std::string::npos);
    CHECK(text.find("c2VjcmV0LXZhbHVl") == std::string::npos);
    CHECK(text.find("opaque-token-value") == std::string::npos);
  }
}
