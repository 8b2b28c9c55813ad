// Token list parsing, hashing and the constant-time lookup.
#include "gateway/tokens.h"

#include <mutex>
#include <set>

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
    tokens.push_back({std::string(name), digest_of(token)});
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
