// Statement rules over the lexer's tokens: one statement, an allowed first keyword,
// no data-modifying WITH, no SELECT … INTO, no row-locking clause.
#include "sql/classifier.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <span>
#include <vector>

#include "sql/lexer.h"

namespace fleetmcp::sql {
namespace {

using Tokens = std::span<const Token>;

constexpr std::string_view kAllowedStatements = "SELECT, WITH, VALUES, TABLE or EXPLAIN";

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

// `lower` must be lowercase ASCII; SQL keywords are case-insensitive.
bool equals_ignoring_case(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() &&
         std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) { return ascii_lower(a) == b; });
}

bool is_word(const Token& token, std::string_view lower) {
  return token.kind == TokenKind::Word && equals_ignoring_case(token.text, lower);
}

bool is_punctuation(const Token& token, char c) {
  return token.kind == TokenKind::Punctuation && token.text.size() == 1 && token.text[0] == c;
}

bool is_name(const Token& token) { return token.kind == TokenKind::Word || token.kind == TokenKind::QuotedIdentifier; }

std::size_t end_of(const Token& token) { return token.offset + token.text.size(); }

// Length of the well-formed UTF-8 sequence at `index` (no overlongs, surrogates
// or code points past U+10FFFF), or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[index + k]); };
  const unsigned char lead = byte(0);
  const std::size_t length = lead < 0x80           ? 1
                             : (lead >> 5) == 0x6  ? 2
                             : (lead >> 4) == 0xE  ? 3
                             : (lead >> 3) == 0x1E ? 4
                                                   : 0;
  if (length == 0 || index + length > text.size()) return 0;
  char32_t code_point = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(k) & 0x3F);
  }
  constexpr std::array<char32_t, 5> kSmallest = {0, 0, 0x80, 0x800, 0x10000};
  const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
  return code_point < kSmallest[length] || surrogate || code_point > 0x10FFFF ? 0 : length;
}

// Reasons travel inside JSON, so analyst text quoted in them must be short,
// valid UTF-8 and free of control bytes.
std::string printable(std::string_view text) {
  constexpr std::size_t kMaxBytes = 40;
  std::string out;
  for (std::size_t index = 0; index < text.size() && out.size() < kMaxBytes;) {
    const std::size_t length = utf8_sequence_length(text, index);
    const bool control = length == 1 && (static_cast<unsigned char>(text[index]) < 0x20 || text[index] == 0x7F);
    if (length == 0 || control) {
      out += '?';
      ++index;
    } else {
      out.append(text.substr(index, length));
      index += length;
    }
  }
  if (out.size() >= kMaxBytes) out += "…";
  return out;
}

std::string uppercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), ascii_upper);
  return printable(out);
}

Verdict refused(std::string reason, std::size_t offset) {
  Verdict verdict;
  verdict.reason = std::move(reason);
  verdict.error_offset = offset;
  return verdict;
}

constexpr std::string_view kReadOnly =
    " is not allowed: fleetmcp is read-only. Use SELECT (or WITH … SELECT) to read data.";
constexpr std::string_view kOwnTransaction =
    " is not allowed: fleetmcp runs each query in its own read-only transaction, so send just the query.";
constexpr std::string_view kSessionState =
    " is not allowed: it changes session state. Send one plain query (SELECT, WITH, VALUES, TABLE or EXPLAIN).";
constexpr std::string_view kProcedural = " is not allowed: it runs procedural code. Write the logic as one SELECT.";

// Statements named in a refusal, grouped by why fleetmcp refuses them.
constexpr std::array<std::string_view, 22> kWrites = {
    "insert", "update",  "delete",  "merge",   "truncate", "copy",      "create", "drop",
    "alter",  "grant",   "revoke",  "comment", "security", "reassign",  "import", "refresh",
    "vacuum", "analyze", "analyse", "cluster", "reindex",  "checkpoint"};
constexpr std::array<std::string_view, 8> kTransactionControl = {"begin",    "start", "commit",    "end",
                                                                 "rollback", "abort", "savepoint", "release"};
constexpr std::array<std::string_view, 13> kSessionCommands = {"reset", "discard", "listen",  "unlisten",   "notify",
                                                               "load",  "prepare", "execute", "deallocate", "declare",
                                                               "fetch", "move",    "close"};
constexpr std::array<std::string_view, 2> kProceduralCode = {"do", "call"};
constexpr std::array<std::string_view, 1> kSet = {"set"};
constexpr std::array<std::string_view, 1> kShow = {"show"};
constexpr std::array<std::string_view, 1> kLock = {"lock"};

struct StatementFamily {
  std::span<const std::string_view> keywords;
  std::string_view explanation;  // follows the statement's name in the reason
};

constexpr std::array kStatementFamilies = {
    StatementFamily{kWrites, kReadOnly},
    StatementFamily{kTransactionControl, kOwnTransaction},
    StatementFamily{kSessionCommands, kSessionState},
    StatementFamily{kProceduralCode, kProcedural},
    StatementFamily{kSet,
                    " is not allowed: settings are fixed by fleetmcp. Read one with SELECT current_setting('name')."},
    StatementFamily{kShow, " is not supported: read a setting with SELECT current_setting('name') instead."},
    StatementFamily{kLock, " is not allowed: fleetmcp never takes locks. Use SELECT to read data."},
};

// Words that PostgreSQL's statements put between CREATE/DROP/ALTER and the kind of object.
constexpr std::array<std::string_view, 14> kObjectModifiers = {
    "or",     "replace",      "temp",      "temporary", "unlogged", "global",  "local",
    "unique", "materialized", "recursive", "foreign",   "event",    "trusted", "procedural"};

std::optional<StatementKind> allowed_kind(const Token& token) {
  if (is_word(token, "select")) return StatementKind::Select;
  if (is_word(token, "with")) return StatementKind::With;
  if (is_word(token, "values")) return StatementKind::Values;
  if (is_word(token, "table")) return StatementKind::Table;
  if (is_word(token, "explain")) return StatementKind::Explain;
  return std::nullopt;
}

bool is_data_modifying(const Token& token) {
  return is_word(token, "insert") || is_word(token, "update") || is_word(token, "delete") || is_word(token, "merge");
}

// Where a statement may begin in relation to a WITH clause: only there can
// INSERT/UPDATE/DELETE/MERGE hide inside a query.
enum class WithPosition : unsigned char { None, InsideWith, AfterWith };

// Checks one statement (no semicolons) given as its significant tokens.
class StatementChecker {
 public:
  StatementChecker(Tokens tokens, ClassifyOptions options)
      : tokens_(tokens), options_(options), closing_(match_parentheses(tokens)), with_(tokens.size()) {}

  Verdict check() {
    const std::size_t head = skip_open_parentheses(0);
    const std::optional<StatementKind> kind = head < size() ? allowed_kind(tokens_[head]) : std::nullopt;
    if (!kind) return refuse_head(head);
    std::size_t query_start = 0;
    std::optional<std::size_t> analyze_offset;
    if (*kind == StatementKind::Explain) {
      if (head != 0) return refused("EXPLAIN must come first, outside any parentheses.", tokens_[head].offset);
      query_start = read_explain_options(head + 1, analyze_offset);
      if (query_start >= size()) {
        return refused("EXPLAIN needs a query to explain, such as EXPLAIN SELECT * FROM t.", end_of(tokens_.back()));
      }
      const std::size_t inner_head = skip_open_parentheses(query_start);
      if (inner_head >= size() || !allowed_kind(tokens_[inner_head])) {
        Verdict inner = refuse_head(inner_head);
        inner.reason = "Inside EXPLAIN: " + inner.reason;
        return inner;
      }
      if (is_word(tokens_[inner_head], "explain"))
        return refused("EXPLAIN cannot be nested.", tokens_[inner_head].offset);
    }
    if (std::optional<Verdict> violation = find_violation(query_start)) return *violation;
    if (std::optional<Verdict> unbalanced = unbalanced_parentheses()) return *unbalanced;

    Verdict verdict;
    verdict.kind = *kind;
    verdict.explain_analyze = analyze_offset.has_value();
    if (analyze_offset && !options_.allow_explain_analyze) {
      verdict.reason =
          "EXPLAIN ANALYZE runs the query, so it is not allowed here: use EXPLAIN without ANALYZE, or the explain tool "
          "with analyze=true.";
      verdict.error_offset = *analyze_offset;
      return verdict;
    }
    verdict.allowed = true;
    return verdict;
  }

 private:
  std::size_t size() const { return tokens_.size(); }
  bool word_at(std::size_t index, std::string_view lower) const {
    return index < size() && is_word(tokens_[index], lower);
  }
  bool punctuation_at(std::size_t index, char c) const { return index < size() && is_punctuation(tokens_[index], c); }
  bool name_at(std::size_t index) const { return index < size() && is_name(tokens_[index]); }
  std::size_t offset_at(std::size_t index) const {
    return index < size() ? tokens_[index].offset : end_of(tokens_.back());
  }

  // closing[i] is the index of the ')' matching a '(' at i, or size() when it is never closed.
  static std::vector<std::size_t> match_parentheses(Tokens tokens) {
    std::vector<std::size_t> closing(tokens.size(), tokens.size());
    std::vector<std::size_t> open;
    for (std::size_t index = 0; index < tokens.size(); ++index) {
      if (is_punctuation(tokens[index], '(')) {
        open.push_back(index);
      } else if (is_punctuation(tokens[index], ')') && !open.empty()) {
        closing[open.back()] = index;
        open.pop_back();
      }
    }
    return closing;
  }

  // The query tool runs the statement inside parentheses of its own
  // (db/wrapped_statement.h): a stray ')' would close them, so it is refused
  // here, where it can be named, rather than left to PostgreSQL.
  std::optional<Verdict> unbalanced_parentheses() const {
    std::size_t depth = 0;
    for (std::size_t index = 0; index < size(); ++index) {
      if (punctuation_at(index, '(')) {
        ++depth;
      } else if (punctuation_at(index, ')')) {
        if (depth == 0) return refused("This ')' has no matching '('.", tokens_[index].offset);
        --depth;
      }
    }
    for (std::size_t index = 0; index < size(); ++index)
      if (punctuation_at(index, '(') && closing_[index] == size())
        return refused("This '(' is never closed.", tokens_[index].offset);
    return std::nullopt;
  }

  // The index just past the group opened at `index`.
  std::size_t after_group(std::size_t index) const { return std::min(closing_[index] + 1, size()); }

  std::size_t skip_open_parentheses(std::size_t index) const {
    while (punctuation_at(index, '(')) ++index;
    return index;
  }

  Verdict refuse_head(std::size_t head) const {
    if (head >= size())
      return refused(std::string("A query must start with ") + std::string(kAllowedStatements) + ".", offset_at(head));
    const Token& token = tokens_[head];
    if (token.kind == TokenKind::Word) {
      for (const StatementFamily& family : kStatementFamilies) {
        const auto names_it = [&](std::string_view keyword) { return equals_ignoring_case(token.text, keyword); };
        if (std::any_of(family.keywords.begin(), family.keywords.end(), names_it)) {
          return refused(statement_name(head) + std::string(family.explanation), token.offset);
        }
      }
      return refused("'" + printable(token.text) + "' does not start a query fleetmcp can run: send one " +
                         std::string(kAllowedStatements) + " statement.",
                     token.offset);
    }
    if (token.text == "\\") {
      return refused(
          "psql backslash commands such as \\d are not SQL: use the catalog tools or a SELECT on "
          "information_schema instead.",
          token.offset);
    }
    return refused("A query must start with " + std::string(kAllowedStatements) + "; found '" + printable(token.text) +
                       "' at position " + std::to_string(token.offset) + ".",
                   token.offset);
  }

  // "CREATE OR REPLACE FUNCTION" tells the analyst more than "CREATE".
  std::string statement_name(std::size_t head) const {
    std::string name = uppercase(tokens_[head].text);
    if (!word_at(head, "create") && !word_at(head, "drop") && !word_at(head, "alter")) return name;
    constexpr std::size_t kMostWords = 4;  // CREATE OR REPLACE FUNCTION
    const std::size_t end = std::min(size(), head + kMostWords);
    for (std::size_t index = head + 1; index < end && tokens_[index].kind == TokenKind::Word; ++index) {
      name += " " + uppercase(tokens_[index].text);
      const auto is_modifier = [&](std::string_view modifier) { return is_word(tokens_[index], modifier); };
      if (std::none_of(kObjectModifiers.begin(), kObjectModifiers.end(), is_modifier)) break;
    }
    return name;
  }

  // Reads EXPLAIN's options — `(ANALYZE, FORMAT JSON)` or the older `ANALYZE VERBOSE` —
  // and returns where the explained query starts.
  std::size_t read_explain_options(std::size_t index, std::optional<std::size_t>& analyze_offset) const {
    if (punctuation_at(index, '(') && !opens_query(index)) {
      const std::size_t close = std::min(closing_[index], size());
      for (std::size_t option = index + 1; option < close;) {
        std::size_t value_end = option + 1;
        while (value_end < close && !punctuation_at(value_end, ',')) ++value_end;
        if (names_analyze(tokens_[option]) && !is_false(tokens_.subspan(option + 1, value_end - option - 1))) {
          analyze_offset = tokens_[option].offset;
        }
        option = value_end + 1;
      }
      return close + 1;
    }
    while (word_at(index, "analyze") || word_at(index, "analyse") || word_at(index, "verbose")) {
      if (!word_at(index, "verbose")) analyze_offset = tokens_[index].offset;
      ++index;
    }
    return index;
  }

  // Option names are compared as strings, so "analyze" quoted counts too; a
  // U&"…" name could spell it with escapes, so it counts as well.
  static bool names_analyze(const Token& name) {
    if (name.kind == TokenKind::QuotedIdentifier) {
      const std::string_view inner = name.text.substr(1, name.text.size() - 2);
      return name.text.front() != '"' || inner == "analyze" || inner == "analyse";
    }
    return is_word(name, "analyze") || is_word(name, "analyse");
  }

  // PostgreSQL's boolean option values that mean false; anything else counts as true.
  static bool is_false(Tokens value) {
    if (value.size() != 1) return false;
    const Token& token = value.front();
    if (token.kind == TokenKind::Number) return token.text == "0";
    if (token.kind == TokenKind::String && token.text.front() == '\'') {
      const std::string_view inner = token.text.substr(1, token.text.size() - 2);
      return equals_ignoring_case(inner, "false") || equals_ignoring_case(inner, "off") || inner == "0";
    }
    return is_word(token, "false") || is_word(token, "off");
  }

  // `(SELECT …)` after EXPLAIN is the query itself, not an option list.
  bool opens_query(std::size_t index) const {
    const std::size_t head = skip_open_parentheses(index);
    return head < size() && allowed_kind(tokens_[head]) && !is_word(tokens_[head], "explain");
  }

  std::optional<Verdict> find_violation(std::size_t query_start) {
    for (std::size_t index = query_start; index < size(); ++index) {
      const bool starts_query = index == query_start || punctuation_at(index - 1, '(');
      if (starts_query && word_at(index, "with")) {
        if (std::optional<Verdict> malformed = mark_with_clause(index)) return malformed;
      }
    }
    for (std::size_t index = query_start; index < size(); ++index) {
      const Token& token = tokens_[index];
      if (token.kind != TokenKind::Word) continue;
      if (with_[index] != WithPosition::None && is_data_modifying(token)) {
        const char* where = with_[index] == WithPosition::InsideWith ? " inside WITH" : " after WITH";
        return refused("Data-modifying WITH (" + uppercase(token.text) + where +
                           ") is not allowed: fleetmcp is read-only. Use only SELECT queries in WITH.",
                       token.offset);
      }
      if (is_word(token, "into")) return refuse_into(index);
      if (is_word(token, "for")) {
        if (const std::string_view lock = locking_clause(index); !lock.empty()) {
          return refused("Locking clause " + std::string(lock) +
                             " is not allowed in read-only queries: remove it (fleetmcp never locks rows).",
                         token.offset);
        }
      }
    }
    return std::nullopt;
  }

  // INTO is reserved, so in a query it can only be SELECT … INTO (or the INSERT
  // INTO / MERGE INTO of a statement the WITH rules missed).
  Verdict refuse_into(std::size_t index) const {
    if (index > 0 && (word_at(index - 1, "insert") || word_at(index - 1, "merge"))) {
      return refused(uppercase(tokens_[index - 1].text) + std::string(kReadOnly), tokens_[index - 1].offset);
    }
    return refused("SELECT … INTO creates a table; not allowed. Remove INTO and its table name to get the rows back.",
                   tokens_[index].offset);
  }

  std::string_view locking_clause(std::size_t index) const {
    if (word_at(index + 1, "update")) return "FOR UPDATE";
    if (word_at(index + 1, "share")) return "FOR SHARE";
    if (word_at(index + 1, "no") && word_at(index + 2, "key") && word_at(index + 3, "update"))
      return "FOR NO KEY UPDATE";
    if (word_at(index + 1, "key") && word_at(index + 2, "share")) return "FOR KEY SHARE";
    return {};
  }

  // Follows PostgreSQL's grammar for a WITH list:
  //   WITH [RECURSIVE] name [(columns)] AS [[NOT] MATERIALIZED] ( body ) [SEARCH …] [CYCLE …] [, …] main
  // and marks each body and the main statement. What it cannot follow it refuses,
  // so a statement can never slip past unmarked.
  std::optional<Verdict> mark_with_clause(std::size_t index) {
    std::size_t at = index + 1;
    if (word_at(at, "recursive")) ++at;
    while (true) {
      if (!name_at(at)) return malformed_with(at, "a name for the WITH query");
      ++at;
      if (punctuation_at(at, '(')) at = after_group(at);
      if (!word_at(at, "as")) return malformed_with(at, "AS");
      ++at;
      if (word_at(at, "not")) ++at;
      if (word_at(at, "materialized")) ++at;
      if (!punctuation_at(at, '(')) return malformed_with(at, "( before the body of the WITH query");
      mark(at + 1, WithPosition::InsideWith);
      at = after_group(at);
      if (word_at(at, "search") && !skip_search_clause(at)) return malformed_with(at, "SEARCH … BY columns SET column");
      if (word_at(at, "cycle") && !skip_cycle_clause(at))
        return malformed_with(at, "CYCLE columns SET column … USING column");
      if (!punctuation_at(at, ',')) break;
      ++at;
    }
    mark(at, WithPosition::AfterWith);
    return std::nullopt;
  }

  void mark(std::size_t index, WithPosition position) {
    if (index < size()) with_[index] = position;
  }

  Verdict malformed_with(std::size_t index, std::string_view expected) const {
    return refused("Could not read the WITH clause: expected " + std::string(expected) + " at position " +
                       std::to_string(offset_at(index)) + ".",
                   offset_at(index));
  }

  // name [, name …]
  bool skip_name_list(std::size_t& at) const {
    if (!name_at(at)) return false;
    ++at;
    while (punctuation_at(at, ',') && name_at(at + 1)) at += 2;
    return true;
  }

  // SEARCH {DEPTH|BREADTH} FIRST BY columns SET column
  bool skip_search_clause(std::size_t& at) const {
    ++at;
    if (!word_at(at, "depth") && !word_at(at, "breadth")) return false;
    if (!word_at(at + 1, "first") || !word_at(at + 2, "by")) return false;
    at += 3;
    if (!skip_name_list(at) || !word_at(at, "set") || !name_at(at + 1)) return false;
    at += 2;
    return true;
  }

  // CYCLE columns SET column [TO value DEFAULT value] USING column. USING is
  // reserved, so the first one in this group ends the values.
  bool skip_cycle_clause(std::size_t& at) const {
    ++at;
    if (!skip_name_list(at) || !word_at(at, "set") || !name_at(at + 1)) return false;
    at += 2;
    while (at < size() && !word_at(at, "using") && !punctuation_at(at, ')') && !punctuation_at(at, ',')) {
      at = punctuation_at(at, '(') ? after_group(at) : at + 1;
    }
    if (!word_at(at, "using") || !name_at(at + 1)) return false;
    at += 2;
    return true;
  }

  Tokens tokens_;
  ClassifyOptions options_;
  std::vector<std::size_t> closing_;
  std::vector<WithPosition> with_;
};

std::string unreadable_reason(const LexError& error) {
  const std::string position = " at position " + std::to_string(error.offset);
  if (error.message.starts_with("unterminated")) {
    return "Cannot read the query: " + error.message + position +
           ". Close every 'string', \"identifier\", $$ body and /* comment.";
  }
  return "Cannot read the query: " + error.message + position + ". Remove it and send plain SQL text.";
}

std::string second_statement_name(const Token& token) {
  if (token.kind == TokenKind::Word) return uppercase(token.text);
  const bool quoted = token.kind == TokenKind::String || token.kind == TokenKind::QuotedIdentifier;
  return quoted ? printable(token.text) : "'" + printable(token.text) + "'";
}

}  // namespace

Verdict classify(std::string_view sql, ClassifyOptions options) {
  const LexResult lexed = lex(sql);
  if (lexed.error) return refused(unreadable_reason(*lexed.error), lexed.error->offset);

  std::vector<Token> significant;
  std::copy_if(lexed.tokens.begin(), lexed.tokens.end(), std::back_inserter(significant), [](const Token& token) {
    return token.kind != TokenKind::Whitespace && token.kind != TokenKind::Comment;
  });
  const auto is_semicolon = [&](std::size_t index) { return significant[index].kind == TokenKind::Semicolon; };

  // Empty statements before the query are harmless; the statement starts after them.
  std::size_t first = 0;
  std::size_t statement_begin = 0;
  for (; first < significant.size() && is_semicolon(first); ++first) statement_begin = end_of(significant[first]);
  if (first == significant.size()) {
    return refused("Received an empty query: send one " + std::string(kAllowedStatements) + " statement.", 0);
  }
  std::size_t last = first;
  while (last < significant.size() && !is_semicolon(last)) ++last;

  Verdict verdict = StatementChecker(Tokens(significant).subspan(first, last - first), options).check();
  verdict.statement = std::string(sql.substr(statement_begin, end_of(significant[last - 1]) - statement_begin));
  if (!verdict.allowed) return verdict;

  std::size_t next = last;
  while (next < significant.size() && is_semicolon(next)) ++next;
  if (next < significant.size()) {
    const Token& second = significant[next];
    return refused("Only one statement per call: found a second statement (" + second_statement_name(second) +
                       ") at position " + std::to_string(second.offset) + ". Send one query per call.",
                   second.offset);
  }
  return verdict;
}

}  // namespace fleetmcp::sql
