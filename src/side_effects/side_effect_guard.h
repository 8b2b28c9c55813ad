#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/classifier.h"

namespace fleetmcp::side_effects {

// A call (or reference) the read-only transaction cannot undo, found before
// the statement runs.
struct Refusal {
  std::string reason;  // names the function or view and what it does
  std::size_t offset;  // byte offset of the name in the statement
};

// Finds calls of functions whose effects survive the rollback (WAL messages,
// xid assignment, advisory locks, signals to other backends, large objects,
// notifications, replication and backup control) and references to the views
// and functions that show other sessions' query text. Matched by the name the
// server resolves, whatever the spelling: unquoted names fold to lower case,
// quoted ones are taken as written, and a schema qualifier is ignored, because
// analytics_ro can create no function of its own, so any function of that name
// is either the pg_catalog one or one an owner made, and refusing both is safe.
// Calls hidden inside views or SQL functions are found in the plan instead
// (side_effects/plan_calls.h); plpgsql bodies by neither (see docs/SECURITY.md).
std::optional<Refusal> find_side_effect(std::string_view sql);

// A name the guard refuses: "pg_advisory_*" ('*' is any text), either only
// when called (a function) or wherever it appears (views such as
// pg_stat_activity, and the functions behind them).
struct RefusedName {
  std::string_view pattern;
  bool call_only;
};

// Every name the guard refuses, in its order. sql/analytics_ro_hardening.sql
// revokes the same lists: a unit test compares them, so they cannot drift.
std::vector<RefusedName> refused_names();

// The query and explain tools' one hook: turns an allowed verdict for `sql`
// into a refusal when find_side_effect finds something.
void refuse_side_effects(sql::Verdict& verdict, std::string_view sql);

}  // namespace fleetmcp::side_effects
