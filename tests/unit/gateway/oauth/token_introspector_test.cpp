// Tests the introspection cache (keyed by the token's SHA-256, each entry
// until its deadline, the oldest evicted at the bound) and the introspector
// around it: what it sends, that active answers are reused until min(exp,
// TTL) and refusals never, that a server it cannot use is "unavailable", and
// that several threads at once get consistent answers.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/oauth/token_introspector.h"
#include "test_introspection.h"

using namespace fleetmcp::gateway::oauth;
using namespace fleetmcp::gateway::oauth::testing;
using nlohmann::json;

namespace {

JwtIdentity analyst(const std::string& name) { return {name, {"fleetmcp:query"}}; }

IntrospectionPolicy policy() { return introspection_policy(); }

// The authorization server's side, recorded: each request, and what it answers.
struct Endpoint {
  std::mutex mutex;
  std::vector<std::string> forms;
  std::vector<std::string> authorizations;
  int status = 200;
  json answer;
  bool down = false;

  IntrospectionPost post() {
    return [this](const std::string& url, const std::string& authorization, const std::string& form) {
      std::lock_guard lock(mutex);
      if (down) throw FetchError(url + ": cannot connect to id.example.com:443: Connection refused");
      CHECK(url == "https://id.example.com/introspect");
      forms.push_back(form);
      authorizations.push_back(authorization);
      return FetchedDocument{status, "application/json", answer.dump()};
    };
  }
};

json active_until(std::int64_t exp) {
  return {{"active", true}, {"iss", test_issuer}, {"aud", "https://fleetmcp.example.com/mcp"},
          {"username", "amina"}, {"scope", "fleetmcp:query"}, {"exp", exp}};
}

}  // namespace

TEST_CASE("introspection cache: keyed by SHA-256, each entry until its deadline") {
  CHECK(token_digest("abc").size() == 32);
  CHECK(token_digest("abc") != token_digest("abd"));
  // The well-known SHA-256 of "abc" begins ba 78 16 bf.
  CHECK(static_cast<unsigned char>(token_digest("abc")[0]) == 0xba);
  CHECK(static_cast<unsigned char>(token_digest("abc")[3]) == 0xbf);

  IntrospectionCache cache;
  cache.store(token_digest("t1"), analyst("amina"), 1000);
  CHECK(cache.find(token_digest("t1"), 999)->caller == "amina");
  CHECK_FALSE(cache.find(token_digest("t2"), 999));
  CHECK_FALSE(cache.find(token_digest("t1"), 1000));  // expired entries go
  CHECK(cache.size() == 0);
  cache.store(token_digest("t1"), analyst("amina"), 1000);
  cache.store(token_digest("t1"), analyst("amina again"), 2000);  // a second store replaces
  CHECK(cache.size() == 1);
  CHECK(cache.find(token_digest("t1"), 1500)->caller == "amina again");
}

TEST_CASE("introspection cache: at the bound the oldest entry is evicted") {
  IntrospectionCache cache(3);
  for (const char* token : {"a", "b", "c", "d"}) cache.store(token_digest(token), analyst(token), 1000);
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.find(token_digest("a"), 0));
  for (const char* token : {"b", "c", "d"}) CHECK(cache.find(token_digest(token), 0)->caller == token);
  cache.store(token_digest("b"), analyst("b2"), 1000);  // b is now the newest: c goes next
  cache.store(token_digest("e"), analyst("e"), 1000);
  CHECK_FALSE(cache.find(token_digest("c"), 0));
  CHECK(cache.find(token_digest("b"), 0)->caller == "b2");
  IntrospectionCache none(0);
  none.store(token_digest("a"), analyst("a"), 1000);
  CHECK(none.size() == 0);
}

TEST_CASE("introspector: sends the form with Basic auth and reuses an active answer until min(exp, TTL)") {
  Endpoint endpoint;
  std::int64_t now = 1'000'000;
  endpoint.answer = active_until(now + 300);
  const TokenIntrospector introspector(policy(), {"https://id.example.com/introspect", "gateway", "s3cret"}, 60,
                                       endpoint.post(), [&] { return now; });
  auto verdict = introspector.authenticate("opaque-1");
  REQUIRE(std::holds_alternative<IntrospectedToken>(verdict));
  CHECK(std::get<IntrospectedToken>(verdict).identity.caller == "amina");
  CHECK(endpoint.forms == std::vector<std::string>{"token=opaque-1&token_type_hint=access_token"});
  CHECK(endpoint.authorizations == std::vector<std::string>{"Basic Z2F0ZXdheTpzM2NyZXQ="});
  CHECK(introspector.cached() == 1);

  now += 59;  // within the TTL: no second request
  CHECK(std::get<IntrospectedToken>(introspector.authenticate("opaque-1")).identity.caller == "amina");
  CHECK(endpoint.forms.size() == 1);
  now += 1;  // the TTL is over: asked again (and now the token is revoked)
  endpoint.answer = {{"active", false}};
  CHECK(std::get<JwtRefusal>(introspector.authenticate("opaque-1")).description.find("not active") != std::string::npos);
  CHECK(endpoint.forms.size() == 2);
  CHECK(std::holds_alternative<JwtRefusal>(introspector.authenticate("opaque-1")));
  CHECK(endpoint.forms.size() == 3);  // a refusal is not cached

  // A token expiring before the TTL is believed only until its exp.
  endpoint.answer = active_until(now + 10);
  CHECK(std::holds_alternative<IntrospectedToken>(introspector.authenticate("opaque-2")));
  now += 9;
  CHECK(std::holds_alternative<IntrospectedToken>(introspector.authenticate("opaque-2")));
  CHECK(endpoint.forms.size() == 4);
  now += 1;
  endpoint.answer = {{"active", false}};
  CHECK(std::holds_alternative<JwtRefusal>(introspector.authenticate("opaque-2")));
  CHECK(endpoint.forms.size() == 5);
}

TEST_CASE("introspector: a TTL of 0 asks every time; a bad token is refused without asking") {
  Endpoint endpoint;
  endpoint.answer = active_until(2'000'000);
  const TokenIntrospector introspector(policy(), {"https://id.example.com/introspect", "gateway", "s3cret"}, 0,
                                       endpoint.post(), [] { return std::int64_t{1'000'000}; });
  for (int i = 0; i < 3; ++i) CHECK(std::holds_alternative<IntrospectedToken>(introspector.authenticate("opaque")));
  CHECK(endpoint.forms.size() == 3);
  CHECK(introspector.cached() == 0);
  CHECK(std::holds_alternative<JwtRefusal>(introspector.authenticate("two words")));
  CHECK(endpoint.forms.size() == 3);
}

TEST_CASE("introspector: a server that is down or refuses the credentials is unavailable, and no secret is told") {
  Endpoint endpoint;
  const TokenIntrospector introspector(policy(), {"https://id.example.com/introspect", "gateway", "s3cret-value"}, 60,
                                       endpoint.post(), [] { return std::int64_t{1'000'000}; });
  endpoint.down = true;
  auto verdict = introspector.authenticate("opaque-token-value");
  REQUIRE(std::holds_alternative<IntrospectionUnavailable>(verdict));
  const std::string down = std::get<IntrospectionUnavailable>(verdict).description;
  CHECK(down.find("Connection refused") != std::string::npos);
  endpoint.down = false;
  endpoint.status = 401;
  endpoint.answer = {{"error", "invalid_client"}};
  verdict = introspector.authenticate("opaque-token-value");
  REQUIRE(std::holds_alternative<IntrospectionUnavailable>(verdict));
  const std::string refused = std::get<IntrospectionUnavailable>(verdict).description;
  CHECK(refused.find("MCP_OAUTH_CLIENT_SECRET") != std::string::npos);
  for (const auto& text : {down, refused}) {
    CHECK(text.find("s3cret-value") == std::string::npos);
    CHECK(text.find("opaque-token-value") == std::string::npos);
  }
  CHECK(introspector.cached() == 0);
}

TEST_CASE("introspector: threads authenticating at once all get their answer") {
  Endpoint endpoint;
  endpoint.answer = active_until(2'000'000);
  const TokenIntrospector introspector(policy(), {"https://id.example.com/introspect", "gateway", "s3cret"}, 60,
                                       endpoint.post(), [] { return std::int64_t{1'000'000}; });
  std::atomic<int> accepted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        if (std::holds_alternative<IntrospectedToken>(introspector.authenticate("token-" + std::to_string((i + t) % 10))))
          ++accepted;
    });
  for (auto& thread : threads) thread.join();
  CHECK(accepted == 400);
  CHECK(introspector.cached() == 10);
  // Each of the 10 tokens was asked about at least once, and a thread only
  // asks again when it missed the cache while another was asking.
  CHECK(endpoint.forms.size() >= 10);
  CHECK(endpoint.forms.size() <= 400);
}
