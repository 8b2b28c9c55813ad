// libFuzzer target for the SQL guard: lexes and classifies arbitrary bytes and
// aborts when a verdict breaks an invariant the query tool relies on.
// Build: clang++ -std=c++20 -fsanitize=fuzzer,address -I src tests/fuzz/sql_guard_fuzz.cpp src/sql/*.cpp
// Run:   ./a.out tests/fuzz/corpus/sql -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/classifier.h"
#include "sql/lexer.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

// Tokens tile the input from offset 0, up to its end or to the error.
void check_tokens(std::string_view sql) {
  const fleetmcp::sql::LexResult result = fleetmcp::sql::lex(sql);
  std::size_t covered = 0;
  for (const fleetmcp::sql::Token& token : result.tokens) {
    require(token.offset == covered && !token.text.empty() && token.text.data() == sql.data() + covered);
    covered += token.text.size();
  }
  require(result.error ? result.error->offset >= covered && result.error->offset <= sql.size() : covered == sql.size());
}

// An allowed statement is a piece of the input that classifies the same on its own.
void check_verdict(std::string_view sql, fleetmcp::sql::ClassifyOptions options) {
  const fleetmcp::sql::Verdict verdict = fleetmcp::sql::classify(sql, options);
  require(verdict.error_offset <= sql.size());
  if (!verdict.allowed) {
    require(!verdict.reason.empty());
    return;
  }
  require(!verdict.statement.empty() && sql.find(verdict.statement) != std::string_view::npos);
  require(!verdict.explain_analyze || options.allow_explain_analyze);
  const fleetmcp::sql::Verdict again = fleetmcp::sql::classify(verdict.statement, options);
  require(again.allowed && again.statement == verdict.statement && again.kind == verdict.kind);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sql(reinterpret_cast<const char*>(data), size);
  check_tokens(sql);
  check_verdict(sql, {});
  check_verdict(sql, {.allow_explain_analyze = true});
  return 0;
}
