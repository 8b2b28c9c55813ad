#include "context/resource_uri.h"

namespace fleetmcp::context {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (unreserved(c)) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 0xF];
    }
  }
  return encoded;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    }
    if (c == '\0') return std::nullopt;
    decoded += c;
  }
  return decoded;
}

std::string table_uri(std::string_view schema, std::string_view name) {
  return std::string(kTableUriPrefix) + percent_encode(schema) + "/" + percent_encode(name);
}

std::optional<TableName> parse_table_uri(std::string_view uri) {
  if (uri.substr(0, kTableUriPrefix.size()) != kTableUriPrefix) return std::nullopt;
  const std::string_view rest = uri.substr(kTableUriPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  auto schema = percent_decode(rest.substr(0, slash));
  auto name = percent_decode(rest.substr(slash + 1));
  if (!schema || !name || schema->empty() || name->empty()) return std::nullopt;
  return TableName{std::move(*schema), std::move(*name)};
}

}  // namespace fleetmcp::context
