// PostgreSQL scanner rules (src/backend/parser/scan.l) reduced to what token
// boundaries need: where strings, identifiers, comments and dollar bodies start and end.
#include "sql/lexer.h"

namespace fleetmcp::sql {
namespace {

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_high_byte(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_identifier_start(char c) { return is_letter(c) || c == '_' || is_high_byte(c); }
// A dollar-quote tag may not contain '$', but a plain identifier may.
bool is_tag_char(char c) { return is_identifier_start(c) || is_digit(c); }
bool is_identifier_char(char c) { return is_tag_char(c) || c == '$'; }
bool is_operator_char(char c) { return std::string_view("~!@#^&|`?+-*/%<>=").find(c) != std::string_view::npos; }
bool is_either(char c, char lower) { return c == lower || c == lower - 'a' + 'A'; }

bool is_digit_in_base(char c, int base) {
  switch (base) {
    case 16: return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    case 8: return c >= '0' && c <= '7';
    case 2: return c == '0' || c == '1';
    default: return is_digit(c);
  }
}

class Scanner {
 public:
  explicit Scanner(std::string_view sql) : sql_(sql) {}

  LexResult run() {
    while (pos_ < sql_.size() && !result_.error) scan_token();
    return std::move(result_);
  }

 private:
  // The input holds no NUL byte (lex() cuts there), so '\0' safely means "past the end".
  char at(std::size_t index) const { return index < sql_.size() ? sql_[index] : '\0'; }

  void emit(TokenKind kind, std::size_t start, std::size_t end) {
    result_.tokens.push_back(Token{kind, sql_.substr(start, end - start), start});
    pos_ = end;
  }

  void fail(std::string message, std::size_t start) { result_.error = LexError{std::move(message), start}; }

  void scan_token() {
    const std::size_t start = pos_;
    const char c = sql_[pos_];
    const char next = at(pos_ + 1);
    if (is_whitespace(c)) return scan_whitespace(start);
    if (c == '-' && next == '-') return scan_line_comment(start);
    if (c == '/' && next == '*') return scan_block_comment(start);
    if (c == '\'') return scan_string(start, start + 1, false, "unterminated quoted string");
    if (c == '"') return scan_quoted_identifier(start, start + 1);
    if (c == '$') return scan_dollar(start);
    if (is_identifier_start(c)) return scan_word_or_prefixed_literal(start);
    if (is_digit(c) || (c == '.' && is_digit(next))) return scan_number(start);
    if (c == ';') return emit(TokenKind::Semicolon, start, start + 1);
    if (c == '.' && next == '.') return emit(TokenKind::Punctuation, start, start + 2);  // PL/pgSQL's 1..10
    if (c == ':') return scan_colon(start);
    if (is_operator_char(c)) return scan_operator(start);
    // Punctuation proper, or a byte PostgreSQL rejects as a token of its own (\, {, control bytes…).
    emit(TokenKind::Punctuation, start, start + 1);
  }

  void scan_whitespace(std::size_t start) {
    std::size_t end = start;
    while (end < sql_.size() && is_whitespace(sql_[end])) ++end;
    emit(TokenKind::Whitespace, start, end);
  }

  void scan_line_comment(std::size_t start) {
    const std::size_t newline = sql_.find_first_of("\r\n", start);
    emit(TokenKind::Comment, start, newline == std::string_view::npos ? sql_.size() : newline);
  }

  void scan_block_comment(std::size_t start) {
    std::size_t depth = 1;
    std::size_t index = start + 2;
    while (index < sql_.size()) {
      if (sql_[index] == '/' && at(index + 1) == '*') {
        ++depth;
        index += 2;
      } else if (sql_[index] == '*' && at(index + 1) == '/') {
        index += 2;
        if (--depth == 0) return emit(TokenKind::Comment, start, index);
      } else {
        ++index;
      }
    }
    fail("unterminated /* comment", start);
  }

  // `body` is just past the opening quote; '' is a quote inside, and with
  // backslash escapes (E'') a backslash takes the next byte literally.
  void scan_string(std::size_t start, std::size_t body, bool backslash_escapes, const char* unterminated) {
    std::size_t index = body;
    while (index < sql_.size()) {
      const char c = sql_[index];
      if (backslash_escapes && c == '\\') {
        index += 2;
      } else if (c == '\'' && at(index + 1) == '\'') {
        index += 2;
      } else if (c == '\'') {
        return emit(TokenKind::String, start, index + 1);
      } else {
        ++index;
      }
    }
    fail(unterminated, start);
  }

  void scan_quoted_identifier(std::size_t start, std::size_t body) {
    std::size_t index = body;
    while (index < sql_.size()) {
      if (sql_[index] == '"' && at(index + 1) == '"') {
        index += 2;
      } else if (sql_[index] == '"') {
        return emit(TokenKind::QuotedIdentifier, start, index + 1);
      } else {
        ++index;
      }
    }
    fail("unterminated quoted identifier", start);
  }

  // $1 is a parameter; $$ or $tag$ opens a dollar-quoted body; any other '$' is a lone byte.
  void scan_dollar(std::size_t start) {
    if (is_digit(at(start + 1))) return emit(TokenKind::Parameter, start, end_of_digits(start + 1, 10));
    std::size_t tag_end = start + 1;
    if (is_identifier_start(at(tag_end))) {
      while (is_tag_char(at(tag_end))) ++tag_end;
    }
    if (at(tag_end) != '$') return emit(TokenKind::Punctuation, start, start + 1);
    const std::string_view delimiter = sql_.substr(start, tag_end + 1 - start);
    // Every '$' in the body is a candidate closer; a mismatch stops at the next
    // '$' at the latest (tags hold none), so the search stays linear.
    for (std::size_t index = sql_.find('$', tag_end + 1); index != std::string_view::npos;
         index = sql_.find('$', index + 1)) {
      if (sql_.substr(index, delimiter.size()) == delimiter) {
        return emit(TokenKind::String, start, index + delimiter.size());
      }
    }
    fail("unterminated dollar-quoted string", start);
  }

  // Identifiers eat letters greedily, so E'…' is a string only when E starts the word (xe'…' is not).
  void scan_word_or_prefixed_literal(std::size_t start) {
    const char c = sql_[start];
    const char next = at(start + 1);
    if (next == '\'') {
      if (is_either(c, 'e')) return scan_string(start, start + 2, true, "unterminated quoted string");
      if (is_either(c, 'n')) return scan_string(start, start + 2, false, "unterminated quoted string");
      if (is_either(c, 'b')) return scan_string(start, start + 2, false, "unterminated bit string literal");
      if (is_either(c, 'x')) return scan_string(start, start + 2, false, "unterminated hexadecimal string literal");
    }
    if (is_either(c, 'u') && next == '&') {
      // Unicode escapes (and a later UESCAPE 'c') never change where the literal ends.
      if (at(start + 2) == '\'') return scan_string(start, start + 3, false, "unterminated quoted string");
      if (at(start + 2) == '"') return scan_quoted_identifier(start, start + 3);
    }
    std::size_t end = start + 1;
    while (is_identifier_char(at(end))) ++end;
    emit(TokenKind::Word, start, end);
  }

  // Digits with single underscores between them (PostgreSQL 16: 1_000).
  std::size_t end_of_digits(std::size_t index, int base) const {
    while (is_digit_in_base(at(index), base)) {
      ++index;
      if (at(index) == '_' && is_digit_in_base(at(index + 1), base)) ++index;
    }
    return index;
  }

  // Trailing letters (123abc) are left for the next token: older servers read
  // "1into" as 1 INTO, so the classifier must see the INTO.
  void scan_number(std::size_t start) {
    const char radix = at(start + 1);
    const int base = is_either(radix, 'x') ? 16 : is_either(radix, 'o') ? 8 : is_either(radix, 'b') ? 2 : 10;
    if (sql_[start] == '0' && base != 10) {
      const std::size_t digits = at(start + 2) == '_' ? start + 3 : start + 2;
      if (is_digit_in_base(at(digits), base)) return emit(TokenKind::Number, start, end_of_digits(digits, base));
    }
    std::size_t end = end_of_digits(start, 10);
    // "1..5" is 1 followed by "..", not 1. and .5
    if (at(end) == '.' && at(end + 1) != '.') end = end_of_digits(end + 1, 10);
    if (is_either(at(end), 'e')) {
      const std::size_t exponent = (at(end + 1) == '+' || at(end + 1) == '-') ? end + 2 : end + 1;
      if (is_digit(at(exponent))) end = end_of_digits(exponent, 10);
    }
    emit(TokenKind::Number, start, end);
  }

  void scan_colon(std::size_t start) {
    const char next = at(start + 1);
    if (next == ':' || next == '=') return emit(TokenKind::Operator, start, start + 2);
    emit(TokenKind::Punctuation, start, start + 1);
  }

  void scan_operator(std::size_t start) {
    std::size_t end = start + 1;
    while (is_operator_char(at(end))) {
      // A comment start ends the operator: "a=-- note" is "=" then a comment.
      if ((at(end) == '-' && at(end + 1) == '-') || (at(end) == '/' && at(end + 1) == '*')) break;
      ++end;
    }
    // PostgreSQL lets a multi-character operator end in + or - only if it holds
    // one of ~!@#%^&|`?, so that "a<>-1" reads as <> and -1.
    const std::string_view text = sql_.substr(start, end - start);
    if (text.size() > 1 && text.find_first_of("~!@#%^&|`?") == std::string_view::npos) {
      while (end - start > 1 && (sql_[end - 1] == '+' || sql_[end - 1] == '-')) --end;
    }
    emit(TokenKind::Operator, start, end);
  }

  std::string_view sql_;
  std::size_t pos_ = 0;
  LexResult result_;
};

}  // namespace

LexResult lex(std::string_view sql) {
  // libpq sends SQL as a C string, so the server would never see what follows a
  // NUL byte; refuse it rather than judge text the server reads differently.
  const std::size_t nul = sql.find('\0');
  LexResult result = Scanner(sql.substr(0, nul)).run();
  if (nul != std::string_view::npos) result.error = LexError{"NUL byte (\\0) in the SQL text", nul};
  return result;
}

}  // namespace fleetmcp::sql
