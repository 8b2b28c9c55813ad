// Decides whether SQL text is exactly one read-only query fleetmcp may run, and
// if not, says in one sentence what was found and what to do instead.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fleetmcp::sql {

enum class StatementKind { Select, With, Values, Table, Explain };

struct Verdict {
  bool allowed = false;
  StatementKind kind = StatementKind::Select;
  bool explain_analyze = false;  // EXPLAIN ANALYZE: refused unless ClassifyOptions allows it
  // The single statement without trailing semicolons, whitespace and comments,
  // ready to wrap as `DECLARE c NO SCROLL CURSOR FOR <statement>`.
  std::string statement;
  std::string reason;            // when !allowed: what was found and what to do instead
  std::size_t error_offset = 0;  // 0-based byte offset into the input of the offending token
};

struct ClassifyOptions {
  bool allow_explain_analyze = false;  // the explain tool runs ANALYZE inside its own rolled-back transaction
};

// One layer of several: the read-only transaction, the subquery wrapper and the
// role refuse writes on their own. Function calls (pg_read_file, set_config, …)
// are left to those layers and to the function deny-list.
Verdict classify(std::string_view sql, ClassifyOptions options = {});

}  // namespace fleetmcp::sql
