// JSON text written straight onto a string, byte for byte as nlohmann::json's
// compact dump writes it, for the large answers that should not be built as
// a json value first (result rows, the text of a tool result).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetmcp {

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629:
// no overlongs, no surrogates, nothing above U+10FFFF), or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

bool is_valid_utf8(std::string_view text);

// Appends the characters of `text` as they stand between the quotes of a
// JSON string: '"', '\\' and control characters escaped, other UTF-8 as is,
// invalid UTF-8 replaced by U+FFFD (as dump() with error_handler_t::replace).
void append_json_string_body(std::string& out, std::string_view text);

// The same with the quotes.
void append_json_string(std::string& out, std::string_view text);

// Escapes `text` where it stands, as append_json_string_body would, then puts
// `before` in front and `after` behind it: one buffer for a large answer
// instead of the text plus its escaped copy. False, with `text` unchanged,
// when the text is not valid UTF-8 (the caller takes the general path).
bool wrap_as_json_string_body(std::string& text, std::string_view before, std::string_view after);

// Writes JSON values onto one string. nlohmann's serializer reads the locale
// and allocates its output adapter when built, which per cell of a 10,000-row
// result costs more than the cell itself, so it is built once here.
class JsonAppender {
 public:
  explicit JsonAppender(std::string& out);

  std::string& out() { return out_; }
  void raw(std::string_view text) { out_.append(text); }
  void raw(char c) { out_.push_back(c); }
  void string(std::string_view text) { append_json_string(out_, text); }
  void integer(std::int64_t value);
  // As dump() writes a double: shortest round-trip digits, "1.0" for one,
  // null for NaN and infinities (which callers keep out).
  void number(double value);
  void value(const nlohmann::json& value) { serializer_.dump(value, false, false, 0); }

 private:
  std::string& out_;
  nlohmann::detail::serializer<nlohmann::json> serializer_;
};

}  // namespace fleetmcp
