// Tests the WWW-Authenticate values: no token, an invalid one, too little
// scope, the static-only realm, and a description that tries to break out.
#include <doctest/doctest.h>

#include "gateway/oauth/bearer_challenge.h"

using namespace fleetmcp::gateway::oauth;

TEST_CASE("a challenge lists resource_metadata, scope, then the error") {
  BearerChallenge challenge;
  challenge.resource_metadata = "https://fleetmcp.example.com/.well-known/oauth-protected-resource/mcp";
  challenge.scope = "fleetmcp:query";
  CHECK(format_bearer_challenge(challenge) ==
        "Bearer resource_metadata=\"https://fleetmcp.example.com/.well-known/oauth-protected-resource/mcp\", "
        "scope=\"fleetmcp:query\"");
  challenge.error = "invalid_token";
  challenge.error_description = "the token expired";
  CHECK(format_bearer_challenge(challenge).ends_with(
      ", scope=\"fleetmcp:query\", error=\"invalid_token\", error_description=\"the token expired\""));
  challenge.error = "insufficient_scope";
  challenge.error_description = "the token lacks the scope fleetmcp:query";
  CHECK(format_bearer_challenge(challenge).find("error=\"insufficient_scope\"") != std::string::npos);
}

TEST_CASE("without OAuth the challenge is the old realm") {
  BearerChallenge challenge;
  challenge.realm = "fleetmcp";
  CHECK(format_bearer_challenge(challenge) == "Bearer realm=\"fleetmcp\"");
  CHECK(format_bearer_challenge({}) == "Bearer");
}

TEST_CASE("quotes, backslashes and control or non-ASCII bytes cannot break the header") {
  BearerChallenge challenge;
  challenge.error = "invalid_token";
  challenge.error_description = "kid \"x\", error=\"none\\\r\nSet-Cookie: a=b \xc3\xa9";
  const std::string header = format_bearer_challenge(challenge);
  CHECK(header == "Bearer error=\"invalid_token\", error_description=\"kid 'x', error='none'''Set-Cookie: a=b ''\"");
}
