// A scanner in libpq's own terms (fe-connect.c: conninfo_parse and
// conninfo_uri_parse_options), not a regex: what libpq reads as the
// password is what gets masked, including the cases libpq then refuses.
#include "db/password_mask.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace fleetmcp::db {
namespace {

constexpr std::string_view kMask = "****";

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

// libpq percent-decodes URL keys, so `pass%77ord` is a password too.
std::string percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '%' && at + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[at + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[at + 2]))) {
      decoded += static_cast<char>(std::stoi(std::string(text.substr(at + 1, 2)), nullptr, 16));
      at += 2;
    } else {
      decoded += text[at];
    }
  }
  return decoded;
}

bool is_secret_key(std::string_view key) { return lowercase(key).find("password") != std::string::npos; }

// dbname may hold a whole DSN, which libpq then expands.
bool is_nested_dsn_key(std::string_view key) { return lowercase(key) == "dbname"; }

bool is_url(std::string_view dsn) {
  const std::string lower = lowercase(dsn.substr(0, 13));
  return lower.rfind("postgresql://", 0) == 0 || lower.rfind("postgres://", 0) == 0;
}

// `written` as it appears in the DSN, `plain` as libpq reads it; `rewrite`
// writes a masked nested DSN back in the enclosing DSN's syntax.
std::string masked_value(std::string_view key, std::string_view written, const std::string& plain,
                         std::string (*rewrite)(const std::string&)) {
  if (is_secret_key(key)) return std::string(kMask);
  if (!is_nested_dsn_key(key)) return std::string(written);
  const std::string nested = mask_password(plain);
  return nested == plain ? std::string(written) : rewrite(nested);
}

std::string as_displayed(const std::string& value) { return value; }

// postgresql://user:password@host1:1,host2:2/db?key=value&…
std::string mask_url(std::string_view dsn) {
  const std::size_t authority = dsn.find("://") + 3;
  std::string masked(dsn.substr(0, authority));
  // libpq ends the userinfo at the first '@'; a raw '@' inside the password
  // then puts the rest of it in the host, which libpq echoes in its errors.
  // So everything up to the last '@' is userinfo here, even if that '@'
  // belongs to a later part (over-masking, never a leak).
  std::size_t rest = authority;
  if (const std::size_t at_sign = dsn.rfind('@'); at_sign != std::string_view::npos && at_sign >= authority) {
    const std::string_view userinfo = dsn.substr(authority, at_sign - authority);
    const std::size_t colon = userinfo.find(':');
    masked += colon == std::string_view::npos ? std::string(userinfo)
                                              : std::string(userinfo.substr(0, colon + 1)) + std::string(kMask);
    masked += '@';
    rest = at_sign + 1;
  }
  const std::size_t query = dsn.find('?', rest);
  masked += dsn.substr(rest, query == std::string_view::npos ? std::string_view::npos : query - rest);
  if (query == std::string_view::npos) return masked;
  masked += '?';
  std::string_view parameters = dsn.substr(query + 1);
  for (;;) {
    const std::size_t end = parameters.find('&');
    const std::string_view pair = parameters.substr(0, end);
    const std::size_t equals = pair.find('=');
    if (equals == std::string_view::npos) masked += pair;
    else masked += std::string(pair.substr(0, equals + 1)) +
                   masked_value(percent_decoded(pair.substr(0, equals)), pair.substr(equals + 1),
                                percent_decoded(pair.substr(equals + 1)), as_displayed);
    if (end == std::string_view::npos) break;
    masked += '&';
    parameters.remove_prefix(end + 1);
  }
  return masked;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Where a key=value value ends: a quoted one at its closing quote, a bare
// one at whitespace; a backslash escapes the next character in both.
std::size_t value_end(std::string_view text, std::size_t at) {
  const bool quoted = at < text.size() && text[at] == '\'';
  if (quoted) ++at;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '\\' && at + 1 < text.size()) {
      at += 2;
      continue;
    }
    if (quoted ? c == '\'' : is_space(c)) return quoted ? at + 1 : at;
    ++at;
  }
  return at;
}

// A value that survives libpq's key=value reading whatever it holds.
std::string quoted(const std::string& value) {
  std::string text = "'";
  for (char c : value) {
    if (c == '\\' || c == '\'') text += '\\';
    text += c;
  }
  return text + "'";
}

// The value as libpq reads it: quotes dropped, escapes resolved.
std::string unquoted(std::string_view value) {
  if (!value.empty() && value.front() == '\'') value.remove_prefix(1);
  if (!value.empty() && value.back() == '\'') value.remove_suffix(1);
  std::string plain;
  for (std::size_t at = 0; at < value.size(); ++at) {
    if (value[at] == '\\' && at + 1 < value.size()) ++at;
    plain += value[at];
  }
  return plain;
}

// host=a,b port=1,2 password='it''s' …: whitespace and the '=' are copied as written.
std::string mask_keywords(std::string_view dsn) {
  std::string masked;
  std::size_t at = 0;
  while (at < dsn.size()) {
    const std::size_t key_start = at;
    while (at < dsn.size() && !is_space(dsn[at]) && dsn[at] != '=') ++at;
    const std::string_view key = dsn.substr(key_start, at - key_start);
    while (at < dsn.size() && is_space(dsn[at])) ++at;
    if (at >= dsn.size() || dsn[at] != '=') {
      // Not key=value: libpq refuses it; copy what was read and go on.
      masked += dsn.substr(key_start, at - key_start);
      continue;
    }
    ++at;
    while (at < dsn.size() && is_space(dsn[at])) ++at;
    masked += dsn.substr(key_start, at - key_start);
    const std::size_t end = value_end(dsn, at);
    const std::string_view value = dsn.substr(at, end - at);
    masked += masked_value(key, value, unquoted(value), quoted);
    at = end;
    while (at < dsn.size() && is_space(dsn[at])) masked += dsn[at++];
  }
  return masked;
}

}  // namespace

std::string mask_password(const std::string& dsn) { return is_url(dsn) ? mask_url(dsn) : mask_keywords(dsn); }

}  // namespace fleetmcp::db
