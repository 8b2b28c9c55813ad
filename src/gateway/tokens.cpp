// Token list parsing, hashing and the constant-time lookup.
#include "gateway/tokens.h"

#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace fleetmcp::gateway {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// One token for two names would make the audit line name whichever entry
// the lookup met last, so a token must belong to one analyst only.
void throw_if_shared(const std::vector<NamedToken>& tokens, const NamedToken& entry, const std::string& where) {
  for (const auto& existing : tokens)
    if (existing.digest == entry.digest)
      throw TokenListError(where + " (" + entry.name + "): the same token as " + existing.name);
}

}  // namespace

TokenDigest digest_of(std::string_view token) {
  TokenDigest digest;
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest.data());
  return digest;
}

std::vector<NamedToken> parse_token_list(std::string_view text, std::string_view source) {
  std::vector<NamedToken> tokens;
  std::set<std::string, std::less<>> names;
  std::size_t entry_number = 0;
  while (!text.empty()) {
    const auto end = text.find_first_of(",\n");
    const std::string_view entry = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    if (entry.empty() || entry.front() == '#') continue;
    ++entry_number;
    const auto colon = entry.find(':');
    const std::string where = std::string(source) + ", entry " + std::to_string(entry_number);
    if (colon == std::string_view::npos) throw TokenListError(where + ": expected name:token");
    const std::string_view name = trimmed(entry.substr(0, colon));
    const std::string_view token = trimmed(entry.substr(colon + 1));
    if (name.empty()) throw TokenListError(where + ": the name is empty");
    if (token.empty()) throw TokenListError(where + " (" + std::string(name) + "): the token is empty");
    if (!names.emplace(name).second) throw TokenListError(where + ": the name " + std::string(name) + " repeats");
    NamedToken named{std::string(name), digest_of(token)};
    throw_if_shared(tokens, named, where);
    tokens.push_back(std::move(named));
  }
  return tokens;
}

std::vector<NamedToken> load_tokens(std::string_view env_list, const std::string& file_path) {
  std::vector<NamedToken> tokens = parse_token_list(env_list, "MCP_AUTH_TOKENS");
  if (file_path.empty()) return tokens;
  std::ifstream file(file_path);
  if (!file) throw TokenListError("MCP_AUTH_TOKENS_FILE " + file_path + ": cannot be read");
  std::stringstream text;
  text << file.rdbuf();
  for (auto& entry : parse_token_list(text.str(), file_path)) {
    for (const auto& existing : tokens)
      if (existing.name == entry.name)
        throw TokenListError(file_path + ": the name " + entry.name + " is also in MCP_AUTH_TOKENS");
    throw_if_shared(tokens, entry, file_path);
    tokens.push_back(std::move(entry));
  }
  return tokens;
}

void TokenStore::replace(std::vector<NamedToken> tokens) {
  std::unique_lock lock(mutex_);
  tokens_ = std::move(tokens);
}

std::optional<std::string> TokenStore::authenticate(std::string_view presented) const {
  // Comparing digests, not tokens, makes every comparison the same length.
  const TokenDigest digest = digest_of(presented);
  std::shared_lock lock(mutex_);
  const NamedToken* match = nullptr;
  for (const auto& entry : tokens_)
    if (CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0) match = &entry;
  if (match == nullptr) return std::nullopt;
  return match->name;
}

std::size_t TokenStore::size() const {
  std::shared_lock lock(mutex_);
  return tokens_.size();
}

}  // namespace fleetmcp::gateway
