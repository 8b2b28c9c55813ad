// Header value trimming and the Base64 sentinel.
#include "gateway/header_values.h"

#include <array>

namespace fleetmcp::gateway {
namespace {

constexpr std::string_view sentinel_prefix = "=?base64?";
constexpr std::string_view sentinel_suffix = "?=";

std::optional<std::string> base64_decode(std::string_view text) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  unsigned bits = 0;
  int bit_count = 0;
  std::size_t padding = 0;
  for (char c : text) {
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    const auto value = alphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xFF));
    }
  }
  if (padding > 2) return std::nullopt;
  return out;
}

}  // namespace

std::string_view trim_ows(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

std::optional<std::string> decode_header_value(std::string_view raw) {
  const std::string_view value = trim_ows(raw);
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return std::nullopt;
  const bool encoded = value.size() >= sentinel_prefix.size() + sentinel_suffix.size() &&
                       value.substr(0, sentinel_prefix.size()) == sentinel_prefix &&
                       value.substr(value.size() - sentinel_suffix.size()) == sentinel_suffix;
  if (!encoded) return std::string(value);
  return base64_decode(value.substr(sentinel_prefix.size(), value.size() - sentinel_prefix.size() - sentinel_suffix.size()));
}

}  // namespace fleetmcp::gateway
