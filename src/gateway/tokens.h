// The analysts' Bearer tokens, kept only as SHA-256 digests, and the lookup
// that turns a presented token into the analyst's name in constant time.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fleetmcp::gateway {

using TokenDigest = std::array<unsigned char, 32>;

struct NamedToken {
  std::string name;
  TokenDigest digest;
};

// Thrown for an unusable token list; the message never contains a token.
struct TokenListError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TokenDigest digest_of(std::string_view token);

// "name:token" entries separated by commas or newlines; blank lines and lines
// starting with # are skipped. Names must be unique, tokens non-empty and
// each token given to one name only.
std::vector<NamedToken> parse_token_list(std::string_view text, std::string_view source);

// The gateway's whole list: MCP_AUTH_TOKENS, then the lines of `file_path`
// (skipped when empty). A name may appear in only one of the two, so the
// audit line's caller is never ambiguous. Read again on SIGHUP.
std::vector<NamedToken> load_tokens(std::string_view env_list, const std::string& file_path);

class TokenStore {
 public:
  // Swaps in a new list; requests already authenticated are unaffected.
  void replace(std::vector<NamedToken> tokens);

  // The analyst whose token this is. Compares against every entry without an
  // early exit, so timing reveals neither which entry matched nor how much.
  std::optional<std::string> authenticate(std::string_view presented) const;

  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::vector<NamedToken> tokens_;
};

}  // namespace fleetmcp::gateway
