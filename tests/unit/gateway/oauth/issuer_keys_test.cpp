// Tests discovery (RFC 8414 then OpenID Connect locations, the issuer
// check, jwks_uri rules) and the key cache: an unknown kid refreshes the
// keys, at most once per interval, and a failed refresh keeps the old keys.
#include <atomic>
#include <map>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>

#include "gateway/oauth/gateway_check.h"
#include "gateway/oauth/issuer_keys.h"
#include "gateway/oauth/jwt_authenticator.h"
#include "test_keys.h"

using namespace fleetmcp::gateway::oauth;
using namespace fleetmcp::gateway::oauth::testing;
using nlohmann::json;

namespace {

const std::string issuer_url = "https://id.example.com/realms/fleet";

// An issuer that answers from a map and counts what was asked.
struct FakeIssuer {
  std::map<std::string, FetchedDocument> documents;
  std::vector<std::string> asked;

  Fetch fetch() {
    return [this](const std::string& url) {
      asked.push_back(url);
      const auto found = documents.find(url);
      if (found == documents.end()) return FetchedDocument{404, "text/plain", "not found"};
      return found->second;
    };
  }
  void serve(const std::string& url, const json& body) { documents[url] = {200, "application/json", body.dump()}; }
  void publish(const std::vector<json>& keys) { serve("https://id.example.com/keys", {{"keys", keys}}); }
};

FakeIssuer openid_issuer() {
  FakeIssuer issuer;
  issuer.serve(issuer_url + "/.well-known/openid-configuration",
               {{"issuer", issuer_url}, {"jwks_uri", "https://id.example.com/keys"},
                {"code_challenge_methods_supported", {"S256"}}, {"registration_endpoint", issuer_url + "/register"}});
  return issuer;
}

// What the gateway expects of a token here, the clock the tests stop at, and
// claims that satisfy both.
constexpr std::int64_t now = 1'800'000'000;

JwtPolicy gateway_policy() {
  JwtPolicy policy;
  policy.issuer = issuer_url;
  policy.audience = "https://fleetmcp.example.com/mcp";
  return policy;
}

json valid_claims(const JwtPolicy& policy) {
  return {{"iss", policy.issuer}, {"aud", policy.audience}, {"sub", "u1"}, {"exp", now + 60}};
}

}  // namespace

TEST_CASE("metadata locations: RFC 8414 inserted, OpenID appended, RFC 8414 appended") {
  CHECK(metadata_urls(issuer_url) == std::vector<std::string>{
                                         "https://id.example.com/.well-known/oauth-authorization-server/realms/fleet",
                                         issuer_url + "/.well-known/openid-configuration",
                                         issuer_url + "/.well-known/oauth-authorization-server"});
  CHECK(metadata_urls("https://id.example.com") ==
        std::vector<std::string>{"https://id.example.com/.well-known/oauth-authorization-server",
                                 "https://id.example.com/.well-known/openid-configuration"});
  CHECK(metadata_urls("https://login.example.com/tenant/v2.0/").front() ==
        "https://login.example.com/.well-known/oauth-authorization-server/tenant/v2.0/");
}

TEST_CASE("discovery falls back to openid-configuration and reads the keys") {
  FakeIssuer issuer = openid_issuer();
  issuer.publish({jwk_of(ec_key(), "ec-1")});
  const DiscoveryResult found = discover_issuer_keys(issuer_url, issuer.fetch());
  CHECK(found.metadata_url == issuer_url + "/.well-known/openid-configuration");
  CHECK(found.jwks_uri == "https://id.example.com/keys");
  CHECK(found.keys->keys.size() == 1);
  CHECK(found.tried.size() == 1);
}

TEST_CASE("discovery says what is wrong in words") {
  FakeIssuer issuer;
  auto failure = [&] {
    try {
      discover_issuer_keys(issuer_url, issuer.fetch());
    } catch (const DiscoveryError& error) {
      return std::string(error.what());
    }
    return std::string();
  };
  CHECK(failure().find("no authorization server metadata for " + issuer_url) == 0);
  CHECK(failure().find("openid-configuration: HTTP 404") != std::string::npos);
  issuer.serve(issuer_url + "/.well-known/openid-configuration", {{"issuer", issuer_url + "/"}});
  CHECK(failure().find("names the issuer '" + issuer_url + "/', not '" + issuer_url + "'") != std::string::npos);
  issuer.serve(issuer_url + "/.well-known/openid-configuration", {{"issuer", issuer_url}});
  CHECK(failure().find("has no jwks_uri") != std::string::npos);
  issuer.serve(issuer_url + "/.well-known/openid-configuration",
               {{"issuer", issuer_url}, {"jwks_uri", "http://id.example.com/keys"}});
  CHECK(failure().find("plain http is allowed only to a loopback address") != std::string::npos);
  issuer = openid_issuer();
  json encryption = jwk_of(rsa_key(), "enc");
  encryption["use"] = "enc";
  issuer.publish({encryption});
  CHECK(failure().find("has no usable signing key (kid enc: use enc") != std::string::npos);
}

TEST_CASE("an unknown kid refreshes the keys once per interval; a failed refresh keeps the old ones") {
  FakeIssuer issuer = openid_issuer();
  const Key first = rsa_key();
  const Key second = ec_key();
  issuer.publish({jwk_of(first, "k1")});
  IssuerKeys keys(issuer_url, issuer.fetch());
  const JwtPolicy policy = gateway_policy();
  JwtAuthenticator authenticator(policy, keys, [] { return now; });
  const json claims = valid_claims(policy);
  CHECK(std::holds_alternative<JwtIdentity>(authenticator.authenticate(jwt(first, {{"alg", "RS256"}, {"kid", "k1"}}, claims))));
  const std::size_t after_first = issuer.asked.size();

  // The issuer rotates: k2 appears, and a token with it is accepted after one refresh.
  issuer.publish({jwk_of(first, "k1"), jwk_of(second, "k2")});
  keys.min_interval = std::chrono::seconds(0);
  CHECK(std::holds_alternative<JwtIdentity>(authenticator.authenticate(jwt(second, {{"alg", "ES256"}, {"kid", "k2"}}, claims))));
  CHECK(issuer.asked.size() > after_first);

  // Made-up kids: one refresh, then none within the interval.
  keys.min_interval = std::chrono::seconds(30);
  keys.refresh();
  const std::size_t before_storm = issuer.asked.size();
  for (int i = 0; i < 20; ++i) {
    auto verdict = authenticator.authenticate(jwt(second, {{"alg", "ES256"}, {"kid", "made-up-" + std::to_string(i)}}, claims));
    REQUIRE(std::holds_alternative<JwtRefusal>(verdict));
    CHECK(std::get<JwtRefusal>(verdict).description.starts_with("no key of the issuer has kid made-up-"));
  }
  CHECK(issuer.asked.size() == before_storm);

  // The issuer goes away: the cached keys still verify.
  issuer.documents.clear();
  keys.min_interval = std::chrono::seconds(0);
  CHECK(keys.refresh()->keys.size() == 2);
  CHECK(std::holds_alternative<JwtIdentity>(authenticator.authenticate(jwt(first, {{"alg", "RS256"}, {"kid", "k1"}}, claims))));
}

TEST_CASE("an issuer down since start leaves nothing to check a JWT with: issuer_unavailable, not invalid_token") {
  FakeIssuer issuer;  // answers 404 to everything, as a stopped or misrouted issuer would
  IssuerKeys keys(issuer_url, issuer.fetch());
  keys.min_interval = std::chrono::seconds(0);
  const JwtPolicy policy = gateway_policy();
  const JwtAuthenticator authenticator(policy, keys, [] { return now; });
  const Key key = rsa_key();
  const json claims = valid_claims(policy);
  const auto token = jwt(key, {{"alg", "RS256"}, {"kid", "k1"}}, claims);
  auto verdict = authenticator.authenticate(token);
  REQUIRE(std::holds_alternative<JwtRefusal>(verdict));
  CHECK(std::get<JwtRefusal>(verdict).kind == JwtRefusal::Kind::issuer_unavailable);
  CHECK(std::get<JwtRefusal>(verdict).description == "the issuer's signing keys cannot be fetched now");

  // A malformed token is still the client's fault, whatever the issuer's state.
  verdict = authenticator.authenticate("not.a.jwt");
  REQUIRE(std::holds_alternative<JwtRefusal>(verdict));
  CHECK(std::get<JwtRefusal>(verdict).kind == JwtRefusal::Kind::invalid_token);

  // The issuer comes back: the same token is checked and accepted.
  issuer = openid_issuer();
  issuer.publish({jwk_of(key, "k1")});
  CHECK(std::holds_alternative<JwtIdentity>(authenticator.authenticate(token)));
}

TEST_CASE("connection threads authenticate at once while unknown kids force refreshes") {
  FakeIssuer issuer = openid_issuer();
  const Key key = ec_key();
  issuer.publish({jwk_of(key, "k1")});
  IssuerKeys keys(issuer_url, issuer.fetch());  // fetches are serialised by IssuerKeys, so the fake needs no lock
  keys.min_interval = std::chrono::seconds(0);
  const JwtPolicy policy = gateway_policy();
  const JwtAuthenticator authenticator(policy, keys, [] { return now; });
  const json claims = valid_claims(policy);
  const std::string good = jwt(key, {{"alg", "ES256"}, {"kid", "k1"}}, claims);
  const std::string unknown = jwt(key, {{"alg", "ES256"}, {"kid", "k9"}}, claims);
  std::atomic<int> accepted = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const bool use_good = (i + t) % 2 == 0;
        const auto verdict = authenticator.authenticate(use_good ? good : unknown);
        (std::holds_alternative<JwtIdentity>(verdict) ? accepted : refused)++;
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(accepted == 100);
  CHECK(refused == 100);
  CHECK(keys.current()->keys.size() == 1);
}

TEST_CASE("gateway --check reports the issuer's metadata, keys, PKCE and registration") {
  FakeIssuer issuer = openid_issuer();
  issuer.publish({jwk_of(rsa_key(), "k1", "RS256")});
  OAuthSettings settings;
  settings.issuer = issuer_url;
  settings.public_url = "https://fleetmcp.example.com";
  std::ostringstream out;
  CHECK(run_gateway_check(settings, 2, out, issuer.fetch()) == 0);
  const std::string report = out.str();
  CHECK(report.find("2 analyst token(s)") != std::string::npos);
  CHECK(report.find("1 signing key(s) from https://id.example.com/keys: k1 RSA RS256") != std::string::npos);
  CHECK(report.find("the issuer supports S256") != std::string::npos);
  CHECK(report.find("gateway check passed") != std::string::npos);

  issuer.documents.clear();
  std::ostringstream failed;
  CHECK(run_gateway_check(settings, 0, failed, issuer.fetch()) == 1);
  CHECK(failed.str().find("no authorization server metadata") != std::string::npos);
  CHECK(failed.str().find("1 check(s) failed") != std::string::npos);
}

TEST_CASE("gateway --check introspects a made-up token and names the setting the server refuses") {
  FakeIssuer issuer = openid_issuer();
  issuer.publish({jwk_of(rsa_key(), "k1", "RS256")});
  issuer.documents[issuer_url + "/.well-known/openid-configuration"].body =
      json{{"issuer", issuer_url}, {"jwks_uri", "https://id.example.com/keys"},
           {"code_challenge_methods_supported", {"S256"}}, {"registration_endpoint", issuer_url + "/register"},
           {"introspection_endpoint", issuer_url + "/introspect"}}
          .dump();
  OAuthSettings settings;
  settings.issuer = issuer_url;
  settings.public_url = "https://fleetmcp.example.com";
  settings.client_id = "gateway";
  settings.client_secret = "s3cret-value";
  FetchedDocument answer{200, "application/json", R"({"active":false})"};
  std::vector<std::string> asked;
  const IntrospectionPost post = [&](const std::string& url, const std::string& authorization, const std::string& form) {
    asked.push_back(url + " " + authorization + " " + form);
    return answer;
  };
  std::ostringstream out;
  CHECK(run_gateway_check(settings, 0, out, issuer.fetch(), post) == 0);
  CHECK(out.str().find("introspection: " + issuer_url + "/introspect accepts client gateway") != std::string::npos);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0] == issuer_url + "/introspect Basic Z2F0ZXdheTpzM2NyZXQtdmFsdWU= "
                                 "token=fleetmcp-gateway-check-not-a-token&token_type_hint=access_token");

  answer = {401, "application/json", R"({"error":"invalid_client"})"};
  std::ostringstream refused;
  CHECK(run_gateway_check(settings, 0, refused, issuer.fetch(), post) == 1);
  CHECK(refused.str().find("refused the client credentials (HTTP 401)") != std::string::npos);
  CHECK(refused.str().find("MCP_OAUTH_CLIENT_SECRET") != std::string::npos);
  CHECK(refused.str().find("s3cret-value") == std::string::npos);

  answer = {200, "application/json", R"({"active":true,"sub":"x"})"};
  std::ostringstream odd;
  CHECK(run_gateway_check(settings, 0, odd, issuer.fetch(), post) == 1);
  CHECK(odd.str().find("did not answer a made-up token with {\"active\":false}") != std::string::npos);

  // An endpoint set explicitly wins over the metadata; none at all is a failure naming the setting.
  settings.introspection_url = "https://other.example.com/introspect";
  answer = {200, "application/json", R"({"active":false})"};
  std::ostringstream explicit_url;
  CHECK(run_gateway_check(settings, 0, explicit_url, issuer.fetch(), post) == 0);
  CHECK(asked.back().starts_with("https://other.example.com/introspect "));
  settings.introspection_url.clear();
  issuer.documents[issuer_url + "/.well-known/openid-configuration"].body =
      json{{"issuer", issuer_url}, {"jwks_uri", "https://id.example.com/keys"}}.dump();
  std::ostringstream missing;
  CHECK(run_gateway_check(settings, 0, missing, issuer.fetch(), post) == 1);
  CHECK(missing.str().find("names no introspection_endpoint: set MCP_OAUTH_INTROSPECTION_URL") != std::string::npos);
}
