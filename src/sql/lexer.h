// Splits SQL text into tokens the way PostgreSQL's own scanner does, so that the
// statement classifier never mistakes quoted text, dollar bodies or comments for keywords.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fleetmcp::sql {

enum class TokenKind {
  Word,              // keyword or plain identifier (case-insensitive), e.g. SELECT, my_table, "a$b"
  QuotedIdentifier,  // "Mixed Case", U&"d\0061ta"
  String,            // 'x', E'x', B'101', X'1F', N'x', U&'x', $$x$$, $tag$x$tag$
  Number,            // 42, 1_000, 1.5e-3, .5, 0x1F
  Parameter,         // $1
  Operator,          // ::, ->>, @>, <=, !=, ||, +
  Punctuation,       // ( ) , [ ] . .. : and any byte PostgreSQL would reject as a token
  Semicolon,
  Comment,  // -- to end of line, or /* … */ with nesting
  Whitespace,
};

// `text` views point into the lexed input; `offset` is its 0-based byte position there.
struct Token {
  TokenKind kind;
  std::string_view text;
  std::size_t offset;
};

struct LexError {
  std::string message;  // e.g. "unterminated quoted string"
  std::size_t offset;   // where the offending token starts
};

// The tokens cover the input without gaps, up to the error (if any).
struct LexResult {
  std::vector<Token> tokens;
  std::optional<LexError> error;
};

// Assumes standard_conforming_strings=on (PostgreSQL's default since 9.1):
// backslashes escape only inside E'' strings. Linear time, never throws on any bytes.
LexResult lex(std::string_view sql);

}  // namespace fleetmcp::sql
