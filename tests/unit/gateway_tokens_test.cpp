// Tests the gateway's token list: MCP_AUTH_TOKENS and file parsing, refusals
// that never echo a token, the digest lookup, and reloading under traffic.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "gateway/tokens.h"

using namespace fleetmcp::gateway;

namespace {

// The message of the TokenListError that `parse` throws, or "" if none.
template <typename Parse>
std::string refusal_of(Parse parse) {
  try {
    parse();
  } catch (const TokenListError& error) {
    return error.what();
  }
  return {};
}

std::string refusal_of_list(std::string_view text) {
  return refusal_of([&] { parse_token_list(text, "MCP_AUTH_TOKENS"); });
}


// A file under the temporary directory, removed when the test ends.
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& text) {
    char name[] = "/tmp/fleetmcp-tokens-XXXXXX";
    const int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    write(text);
  }
  void write(const std::string& text) const { std::ofstream(path, std::ios::trunc) << text; }
  ~TempFile() { unlink(path.c_str()); }
};

}  // namespace

TEST_CASE("a comma-separated list gives each name the digest of its token") {
  const auto tokens = parse_token_list("alice:s3cret-a,bob:s3cret-b", "MCP_AUTH_TOKENS");
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].name == "alice");
  CHECK(tokens[0].digest == digest_of("s3cret-a"));
  CHECK(tokens[1].name == "bob");
  CHECK(tokens[1].digest == digest_of("s3cret-b"));
  CHECK(tokens[0].digest != tokens[1].digest);
}

TEST_CASE("spaces around names and tokens are dropped; a token may hold colons") {
  const auto tokens = parse_token_list("  alice : abc:def  , bob:x ", "MCP_AUTH_TOKENS");
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].name == "alice");
  CHECK(tokens[0].digest == digest_of("abc:def"));
  CHECK(tokens[1].digest == digest_of("x"));
}

TEST_CASE("the file format: one entry a line, CRLF, blank lines and # comments") {
  const auto tokens = parse_token_list("# analysts\r\n\r\nalice:one\r\n  # bob left\n\ncarol:three\n", "tokens.txt");
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].name == "alice");
  CHECK(tokens[0].digest == digest_of("one"));  // the \r is not part of the token
  CHECK(tokens[1].name == "carol");
}

TEST_CASE("empty input and empty entries give no tokens") {
  CHECK(parse_token_list("", "MCP_AUTH_TOKENS").empty());
  CHECK(parse_token_list(" , ,\n\n", "MCP_AUTH_TOKENS").empty());
}

TEST_CASE("bad entries are refused with where they are, never with the token") {
  SUBCASE("no colon") {
    const std::string why = refusal_of_list("alice:fine,bob-no-colon-hunter2");
    CHECK(why.find("MCP_AUTH_TOKENS, entry 2") != std::string::npos);
    CHECK(why.find("expected name:token") != std::string::npos);
    CHECK(why.find("hunter2") == std::string::npos);
  }
  SUBCASE("empty name") {
    const std::string why = refusal_of_list(" :hunter2");
    CHECK(why.find("entry 1: the name is empty") != std::string::npos);
    CHECK(why.find("hunter2") == std::string::npos);
  }
  SUBCASE("empty token") {
    CHECK(refusal_of_list("alice:one,bob:  ").find("entry 2 (bob): the token is empty") != std::string::npos);
  }
  SUBCASE("comments do not count as entries") {
    CHECK(refusal_of_list("# header\nalice:one\nbroken").find("entry 2") != std::string::npos);
  }
}

TEST_CASE("a name may appear once") {
  const std::string why = refusal_of_list("alice:one,bob:two,alice:hunter2");
  CHECK(why.find("entry 3: the name alice repeats") != std::string::npos);
  CHECK(why.find("hunter2") == std::string::npos);
}

TEST_CASE("a token may belong to one name only, or the audit could not say who called") {
  const std::string why = refusal_of_list("alice:hunter2,bob:hunter2");
  CHECK(why.find("entry 2 (bob): the same token as alice") != std::string::npos);
  CHECK(why.find("hunter2") == std::string::npos);
}

TEST_CASE("load_tokens joins MCP_AUTH_TOKENS and the file") {
  const TempFile file("# rotated 2026-01-01\nbob:two\ncarol:three\n");
  const auto tokens = load_tokens("alice:one", file.path);
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[0].name == "alice");
  CHECK(tokens[1].name == "bob");
  CHECK(tokens[2].name == "carol");
  CHECK(tokens[2].digest == digest_of("three"));

  CHECK(load_tokens("alice:one", "").size() == 1);  // no file configured
}

TEST_CASE("load_tokens refuses a name or token in both places, and an unreadable file") {
  const TempFile file("alice:two\n");
  CHECK(refusal_of([&] { load_tokens("alice:one", file.path); }).find("the name alice is also in MCP_AUTH_TOKENS") !=
        std::string::npos);
  file.write("bob:one\n");
  CHECK(refusal_of([&] { load_tokens("alice:one", file.path); }).find("(bob): the same token as alice") != std::string::npos);
  file.write("bob:two\nbroken\n");
  CHECK(refusal_of([&] { load_tokens("alice:one", file.path); }).find(file.path + ", entry 2") != std::string::npos);
  CHECK(refusal_of([] { load_tokens("", "/nonexistent/fleetmcp-tokens"); }).find("cannot be read") != std::string::npos);
}

TEST_CASE("authenticate names the owner of a presented token, and nobody else") {
  TokenStore store;
  store.replace(parse_token_list("alice:token-a,bob:token-b,carol:token-c", "test"));
  CHECK(store.size() == 3);
  CHECK(store.authenticate("token-a") == "alice");
  CHECK(store.authenticate("token-c") == "carol");  // the last entry is found too
  CHECK_FALSE(store.authenticate("token-"));         // a prefix
  CHECK_FALSE(store.authenticate("token-cc"));       // an extension
  CHECK_FALSE(store.authenticate("token-d"));        // differs in the last byte
  CHECK_FALSE(store.authenticate("TOKEN-A"));        // case matters
  CHECK_FALSE(store.authenticate("alice"));          // a name is not a token
  CHECK_FALSE(store.authenticate(""));               // no token at all
  CHECK_FALSE(store.authenticate(std::string(1 << 20, 'x')));
}

TEST_CASE("an empty store authenticates no one") {
  const TokenStore store;
  CHECK(store.size() == 0);
  CHECK_FALSE(store.authenticate(""));
  CHECK_FALSE(store.authenticate("anything"));
}

TEST_CASE("the store keeps digests: equal digests are what match") {
  // The lookup compares fixed-length SHA-256 digests with CRYPTO_memcmp, so its
  // time depends on neither the presented token's length nor its common prefix.
  CHECK(digest_of("abc") == digest_of(std::string("abc")));
  CHECK(digest_of("abc") != digest_of("abd"));
  CHECK(digest_of("").size() == 32);
  // SHA-256("abc"), FIPS 180-2 appendix B.1: a digest other tools can check.
  const TokenDigest expected{0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                             0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  CHECK(digest_of("abc") == expected);
}

TEST_CASE("a reload swaps the whole list: old tokens stop, new ones start") {
  TempFile file("alice:old-a\nbob:b\n");
  TokenStore store;
  store.replace(load_tokens("", file.path));
  CHECK(store.authenticate("old-a") == "alice");

  file.write("alice:new-a\nbob:b\ncarol:c\n");
  store.replace(load_tokens("", file.path));
  CHECK(store.size() == 3);
  CHECK_FALSE(store.authenticate("old-a"));
  CHECK(store.authenticate("new-a") == "alice");
  CHECK(store.authenticate("c") == "carol");
}

TEST_CASE("a reload that fails leaves the current list in place") {
  TempFile file("alice:a\n");
  TokenStore store;
  store.replace(load_tokens("", file.path));
  file.write("alice:a\nalice:again\n");
  CHECK_THROWS_AS(store.replace(load_tokens("", file.path)), TokenListError);
  CHECK(store.size() == 1);
  CHECK(store.authenticate("a") == "alice");
}

TEST_CASE("requests authenticated during reloads see the old list or the new, never a mix") {
  TokenStore store;
  const auto before = parse_token_list("alice:a1,bob:b1", "before");
  const auto after = parse_token_list("alice:a2,bob:b2", "after");
  store.replace(before);
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i)
    readers.emplace_back([&] {
      while (!done.load()) {
        const auto a1 = store.authenticate("a1");
        const auto a2 = store.authenticate("a2");
        // Each lookup sees one list, so a token found is always alice's.
        if ((a1 && *a1 != "alice") || (a2 && *a2 != "alice")) ++wrong;
        if (store.size() != 2) ++wrong;
      }
    });
  for (int swap = 0; swap < 2000; ++swap) store.replace(swap % 2 == 0 ? after : before);
  done.store(true);
  for (auto& reader : readers) reader.join();
  CHECK(wrong.load() == 0);
  CHECK(store.authenticate("a1") == "alice");  // 2000 swaps end on `before`
  CHECK_FALSE(store.authenticate("a2"));
}
