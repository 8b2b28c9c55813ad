#include "json_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace fleetmcp {
namespace {

using nlohmann::json;

// What a byte needs inside a JSON string: nothing, an escape, or (non-ASCII)
// a look at the UTF-8 sequence it starts.
enum ByteClass : unsigned char { kPlain, kEscape, kMultibyte };

constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> classes{};
  for (int c = 0; c < 0x20; ++c) classes[c] = kEscape;
  classes['"'] = kEscape;
  classes['\\'] = kEscape;
  for (int c = 0x80; c < 0x100; ++c) classes[c] = kMultibyte;
  return classes;
}();

// Writes the escape for a byte of class kEscape; returns its length (2 or 6).
std::size_t spell_escape(unsigned char c, char (&escape)[6]) {
  escape[0] = '\\';
  switch (c) {
    case '"': escape[1] = '"'; return 2;
    case '\\': escape[1] = '\\'; return 2;
    case '\b': escape[1] = 'b'; return 2;
    case '\f': escape[1] = 'f'; return 2;
    case '\n': escape[1] = 'n'; return 2;
    case '\r': escape[1] = 'r'; return 2;
    case '\t': escape[1] = 't'; return 2;
    default: {
      static constexpr char kHex[] = "0123456789abcdef";
      escape[1] = 'u';
      escape[2] = '0';
      escape[3] = '0';
      escape[4] = kHex[c >> 4];
      escape[5] = kHex[c & 15];
      return 6;
    }
  }
}

void append_escape(std::string& out, unsigned char c) {
  char escape[6];
  out.append(escape, spell_escape(c, escape));
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return length;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

void append_json_string_body(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (kByteClass[c]) {
      case kPlain: ++i; continue;
      case kEscape:
        out.append(text.data() + run, i - run);
        append_escape(out, c);
        run = ++i;
        continue;
      default: {
        std::size_t length = utf8_sequence_length(text, i);
        if (length > 0) {
          i += length;
          continue;
        }
        // nlohmann's decoder decides how many bytes one U+FFFD replaces;
        // such text is rare (the encoder already repairs cells), so let it.
        out.resize(start);
        std::string quoted = json(std::string{text}).dump(-1, ' ', false, json::error_handler_t::replace);
        out.append(quoted, 1, quoted.size() - 2);
        return;
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  append_json_string_body(out, text);
  out += '"';
}

bool wrap_as_json_string_body(std::string& text, std::string_view before, std::string_view after) {
  // First pass: the escaped size, and whether the text is valid UTF-8.
  std::size_t escaped = text.size();
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (kByteClass[c]) {
      case kPlain: ++i; continue;
      case kEscape:
        char escape[6];
        escaped += spell_escape(c, escape) - 1;
        ++i;
        continue;
      default: {
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) return false;
        i += length;
      }
    }
  }
  // Second pass, from the end: every byte moves right by the prefix and the
  // escapes before it, so nothing is overwritten before it is read.
  const std::size_t original = text.size();
  text.resize(before.size() + escaped + after.size());
  char* data = text.data();
  std::size_t to = before.size() + escaped;
  for (std::size_t from = original; from-- > 0;) {
    const unsigned char c = static_cast<unsigned char>(data[from]);
    if (kByteClass[c] != kEscape) {
      data[--to] = static_cast<char>(c);
      continue;
    }
    char escape[6];
    const std::size_t length = spell_escape(c, escape);
    to -= length;
    std::copy(escape, escape + length, data + to);
  }
  std::copy(before.begin(), before.end(), data);
  std::copy(after.begin(), after.end(), data + before.size() + escaped);
  return true;
}

JsonAppender::JsonAppender(std::string& out)
    : out_(out), serializer_(nlohmann::detail::output_adapter<char>(out), ' ', json::error_handler_t::replace) {}

void JsonAppender::integer(std::int64_t value) {
  char digits[24];
  auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, static_cast<std::size_t>(end - digits));
}

void JsonAppender::number(double value) {
  if (!std::isfinite(value)) {
    out_ += "null";
    return;
  }
  char digits[64];
  char* end = nlohmann::detail::to_chars(digits, digits + sizeof digits, value);
  out_.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace fleetmcp
