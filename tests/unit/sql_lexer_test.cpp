// Tests for src/sql/lexer.cpp: PostgreSQL token boundaries, errors with offsets,
// and that no byte sequence can crash it or leave gaps between tokens.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sql/lexer.h"

using fleetmcp::sql::lex;
using fleetmcp::sql::LexResult;
using fleetmcp::sql::Token;
using fleetmcp::sql::TokenKind;

namespace {

const char* kind_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::Word: return "word";
    case TokenKind::QuotedIdentifier: return "qident";
    case TokenKind::String: return "string";
    case TokenKind::Number: return "number";
    case TokenKind::Parameter: return "param";
    case TokenKind::Operator: return "op";
    case TokenKind::Punctuation: return "punct";
    case TokenKind::Semicolon: return "semi";
    case TokenKind::Comment: return "comment";
    case TokenKind::Whitespace: return "space";
  }
  return "?";
}

// "word(SELECT) string('a')": every token but whitespace, so expectations read like the SQL.
std::string describe(std::string_view sql) {
  const LexResult result = lex(sql);
  std::string out;
  for (const Token& token : result.tokens) {
    if (token.kind == TokenKind::Whitespace) continue;
    if (!out.empty()) out += ' ';
    out += std::string(kind_name(token.kind)) + "(" + std::string(token.text) + ")";
  }
  if (result.error) out += " error(" + result.error->message + "@" + std::to_string(result.error->offset) + ")";
  return out;
}

// Tokens must tile the input from offset 0, with views into the input itself,
// up to the end or to the error.
void check_tiling(std::string_view sql, const LexResult& result) {
  std::size_t covered = 0;
  for (const Token& token : result.tokens) {
    REQUIRE(token.offset == covered);
    REQUIRE(!token.text.empty());
    REQUIRE(token.text.data() == sql.data() + token.offset);
    covered += token.text.size();
  }
  REQUIRE(covered <= sql.size());
  if (result.error) {
    REQUIRE(result.error->offset >= covered);
    REQUIRE(result.error->offset <= sql.size());
    REQUIRE(!result.error->message.empty());
  } else {
    REQUIRE(covered == sql.size());
  }
}

struct LexCase {
  const char* sql;
  const char* tokens;  // as describe() prints them
};

void run_cases(const std::vector<LexCase>& cases) {
  for (const LexCase& c : cases) {
    SUBCASE(c.sql) {
      CHECK(describe(c.sql) == c.tokens);
      check_tiling(c.sql, lex(c.sql));
    }
  }
}

}  // namespace

TEST_CASE("lexer: standard strings keep '' inside and treat backslash as a plain character") {
  run_cases({
      {"SELECT 'it''s a do-not-update set'", "word(SELECT) string('it''s a do-not-update set')"},
      {"''", "string('')"},
      {"'a\\'", "string('a\\')"},
      {"'a' 'b'", "string('a') string('b')"},
      {"'semi; -- /* not a comment'", "string('semi; -- /* not a comment')"},
      {"'line\nbreak'", "string('line\nbreak')"},
      {"N'national'", "string(N'national')"},
      {"n'x'", "string(n'x')"},
  });
}

TEST_CASE("lexer: E'' strings take backslash escapes") {
  run_cases({
      {"E'it\\'s'", "string(E'it\\'s')"},
      {"e'\\\\'", "string(e'\\\\')"},
      {"E'a''b\\n'", "string(E'a''b\\n')"},
      {"E'\\'; DROP TABLE t; --'", "string(E'\\'; DROP TABLE t; --')"},
  });
}

TEST_CASE("lexer: a prefix letter makes a literal only when it starts the word") {
  run_cases({
      {"xe'a'", "word(xe) string('a')"},
      {"name'a'", "word(name) string('a')"},
      {"date '2024-01-01'", "word(date) string('2024-01-01')"},
      {"E", "word(E)"},
  });
}

TEST_CASE("lexer: bit, hex and Unicode literals") {
  run_cases({
      {"B'1010'", "string(B'1010')"},
      {"b''", "string(b'')"},
      {"X'1F'", "string(X'1F')"},
      {"x'ff'", "string(x'ff')"},
      {"U&'d\\0061t\\+000061'", "string(U&'d\\0061t\\+000061')"},
      {"u&'x'", "string(u&'x')"},
      {"U&'d!0061t' UESCAPE '!'", "string(U&'d!0061t') word(UESCAPE) string('!')"},
      {"U&\"d\\0061t\\+000061\"", "qident(U&\"d\\0061t\\+000061\")"},
      {"U&\"a\"\"b\" UESCAPE '#'", "qident(U&\"a\"\"b\") word(UESCAPE) string('#')"},
      {"U & 'x'", "word(U) op(&) string('x')"},
  });
}

TEST_CASE("lexer: double-quoted identifiers") {
  run_cases({
      {"SELECT \"delete\" FROM t", "word(SELECT) qident(\"delete\") word(FROM) word(t)"},
      {"\"a\"\"b\"", "qident(\"a\"\"b\")"},
      {"\"semi;colon -- x\"", "qident(\"semi;colon -- x\")"},
      {"\"Mixed Case\".\"col\"", "qident(\"Mixed Case\") punct(.) qident(\"col\")"},
  });
}

TEST_CASE("lexer: dollar-quoted bodies follow PostgreSQL's tag rules") {
  run_cases({
      {"$$DROP TABLE x$$", "string($$DROP TABLE x$$)"},
      {"$$$$", "string($$$$)"},
      {"$tag$it's ; $$ inside$tag$", "string($tag$it's ; $$ inside$tag$)"},
      {"$a$ x $b$ y $a$", "string($a$ x $b$ y $a$)"},
      {"$a$ x $b$a$", "string($a$ x $b$a$)"},
      {"$_t1$x$_t1$", "string($_t1$x$_t1$)"},
      {"$body$ $BODY$ $body$", "string($body$ $BODY$ $body$)"},
      {"$1", "param($1)"},
      {"$12::int", "param($12) op(::) word(int)"},
      {"$1$$x$$", "param($1) string($$x$$)"},
      {"a$$b", "word(a$$b)"},
      {"foo$1$$", "word(foo$1$$)"},
      {"$ x", "punct($) word(x)"},
      {"$1a", "param($1) word(a)"},
  });
}

TEST_CASE("lexer: comments, nested block comments and line ends") {
  run_cases({
      {"SELECT 1 -- ; DROP TABLE x", "word(SELECT) number(1) comment(-- ; DROP TABLE x)"},
      {"-- a\nSELECT", "comment(-- a) word(SELECT)"},
      {"-- a\rSELECT", "comment(-- a) word(SELECT)"},
      {"/* a /* b */ c */ SELECT", "comment(/* a /* b */ c */) word(SELECT)"},
      {"/* 'not a string */", "comment(/* 'not a string */)"},
      {"/*/ x */", "comment(/*/ x */)"},
      {"/**/1", "comment(/**/) number(1)"},
      {"a=-- note\n1", "word(a) op(=) comment(-- note) number(1)"},
      {"a+/* c */b", "word(a) op(+) comment(/* c */) word(b)"},
  });
}

TEST_CASE("lexer: numbers") {
  run_cases({
      {"42", "number(42)"},
      {"1.5e-3", "number(1.5e-3)"},
      {"1E+10", "number(1E+10)"},
      {".5", "number(.5)"},
      {"1.", "number(1.)"},
      {"1.e5", "number(1.e5)"},
      {"0x1F", "number(0x1F)"},
      {"0X_ff", "number(0X_ff)"},
      {"0o17", "number(0o17)"},
      {"0b101", "number(0b101)"},
      {"1_000_000", "number(1_000_000)"},
      {"1__0", "number(1) word(__0)"},
      {"1..10", "number(1) punct(..) number(10)"},
      {"1e", "number(1) word(e)"},
      {"0x", "number(0) word(x)"},
      {"1into", "number(1) word(into)"},
      {"t1.c2", "word(t1) punct(.) word(c2)"},
  });
}

TEST_CASE("lexer: operators, punctuation and semicolons") {
  run_cases({
      {"a::text", "word(a) op(::) word(text)"},
      {"j->>'k'", "word(j) op(->>) string('k')"},
      {"j#>>'{a}'", "word(j) op(#>>) string('{a}')"},
      {"a @> b", "word(a) op(@>) word(b)"},
      {"a<=b", "word(a) op(<=) word(b)"},
      {"a!=b", "word(a) op(!=) word(b)"},
      {"a||b", "word(a) op(||) word(b)"},
      {"a<>-1", "word(a) op(<>) op(-) number(1)"},
      {"a@-1", "word(a) op(@-) number(1)"},
      {"x := 1", "word(x) op(:=) number(1)"},
      {"f(a => 1)", "word(f) punct(() word(a) op(=>) number(1) punct())"},
      {"a[1:2]", "word(a) punct([) number(1) punct(:) number(2) punct(])"},
      {"f(a, b);", "word(f) punct(() word(a) punct(,) word(b) punct()) semi(;)"},
      {";;", "semi(;) semi(;)"},
      {"\\d t", "punct(\\) word(d) word(t)"},
      {"{`}", "punct({) op(`) punct(})"},
  });
}

TEST_CASE("lexer: high bytes are identifier characters, even when not valid UTF-8") {
  run_cases({
      {"SELECT größe FROM fahrzeug", "word(SELECT) word(größe) word(FROM) word(fahrzeug)"},
      {"SELECT \xff\xfe", "word(SELECT) word(\xff\xfe)"},
      {"\x80'x'", "word(\x80) string('x')"},
  });
}

TEST_CASE("lexer: unterminated tokens are errors at the token's start") {
  run_cases({
      {"SELECT 'abc", "word(SELECT) error(unterminated quoted string@7)"},
      {"SELECT E'abc\\'", "word(SELECT) error(unterminated quoted string@7)"},
      {"SELECT 'a''", "word(SELECT) error(unterminated quoted string@7)"},
      {"SELECT N'x", "word(SELECT) error(unterminated quoted string@7)"},
      {"SELECT U&'x", "word(SELECT) error(unterminated quoted string@7)"},
      {"SELECT B'01", "word(SELECT) error(unterminated bit string literal@7)"},
      {"SELECT X'1", "word(SELECT) error(unterminated hexadecimal string literal@7)"},
      {"SELECT \"abc", "word(SELECT) error(unterminated quoted identifier@7)"},
      {"SELECT U&\"abc", "word(SELECT) error(unterminated quoted identifier@7)"},
      {"SELECT /* /* */", "word(SELECT) error(unterminated /* comment@7)"},
      {"SELECT 1 /*", "word(SELECT) number(1) error(unterminated /* comment@9)"},
      {"SELECT $$abc", "word(SELECT) error(unterminated dollar-quoted string@7)"},
      {"SELECT $t$ abc $T$", "word(SELECT) error(unterminated dollar-quoted string@7)"},
      {"SELECT $a$ x $a", "word(SELECT) error(unterminated dollar-quoted string@7)"},
  });
}

TEST_CASE("lexer: a NUL byte is an error at its offset, since libpq would cut the text there") {
  using namespace std::string_view_literals;
  const std::string_view sql = "SELECT 1\0; DROP TABLE t"sv;
  const LexResult result = lex(sql);
  REQUIRE(result.error);
  CHECK(result.error->offset == 8);
  CHECK(result.error->message.find("NUL") != std::string::npos);
  check_tiling(sql, result);

  const std::string_view in_string = "SELECT 'a\0b'"sv;
  const LexResult inside = lex(in_string);
  REQUIRE(inside.error);
  CHECK(inside.error->offset == 9);
  CHECK(inside.error->message.find("NUL") != std::string::npos);
}

TEST_CASE("lexer: empty input has no tokens and no error") {
  const LexResult result = lex("");
  CHECK(result.tokens.empty());
  CHECK_FALSE(result.error);
}

TEST_CASE("lexer: large inputs finish and tile") {
  SUBCASE("a million-byte string") {
    const std::string sql = "SELECT '" + std::string(1'000'000, 'x') + "'";
    const LexResult result = lex(sql);
    REQUIRE_FALSE(result.error);
    CHECK(result.tokens.size() == 3);
  }
  SUBCASE("deeply nested, never closed comments") {
    std::string sql;
    for (int i = 0; i < 200'000; ++i) sql += "/*";
    const LexResult result = lex(sql);
    REQUIRE(result.error);
    CHECK(result.error->offset == 0);
  }
  SUBCASE("a dollar body full of near-miss closing tags") {
    std::string sql = "$abcdefgh$";
    for (int i = 0; i < 100'000; ++i) sql += "$abcdefg";
    const LexResult result = lex(sql);
    REQUIRE(result.error);
    CHECK(result.error->message == "unterminated dollar-quoted string");
  }
  SUBCASE("many small tokens") {
    std::string sql = "SELECT ";
    for (int i = 0; i < 100'000; ++i) sql += "a+1,";
    sql += "0";
    const LexResult result = lex(sql);
    REQUIRE_FALSE(result.error);
    check_tiling(sql, result);
  }
}

TEST_CASE("lexer: random bytes never break the tiling invariant") {
  // A fixed seed keeps failures reproducible; SQL-ish bytes make the lexer go
  // deep into strings, comments and dollar bodies rather than stop at once.
  std::mt19937 random(20260728);
  const std::string_view alphabet = "'\"$-/*\\eEuUbBxXnN&_09.;:()[]<>=!@#|~+ \n\r\tabc\x80\xff";
  std::uniform_int_distribution<std::size_t> length(0, 64);
  std::uniform_int_distribution<int> coin(0, 3);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> any_byte(0, 255);
  for (int iteration = 0; iteration < 20'000; ++iteration) {
    std::string sql;
    for (std::size_t i = length(random); i > 0; --i) {
      sql += coin(random) == 0 ? static_cast<char>(any_byte(random)) : alphabet[pick(random)];
    }
    const LexResult result = lex(sql);
    check_tiling(sql, result);
  }
}
