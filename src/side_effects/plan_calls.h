// The side-effect guard's second pass: the functions a statement really calls,
// as the server resolved them, read from its EXPLAIN (VERBOSE) plan. Views are
// expanded and inlinable SQL functions inlined there, so a call hidden in
// either shows up in a node's Output, Filter or Function Call expressions even
// though the statement's own text never names it.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "side_effects/side_effect_guard.h"

namespace fleetmcp::side_effects {

// `explained` is the one cell EXPLAIN (VERBOSE, FORMAT JSON) returns:
// [{"Plan": {...}}]. Finds the first expression in any node (subplans and
// init plans included) that calls a function find_side_effect refuses; the
// refusal names it and says where it came from. A plain (not VERBOSE) plan is
// read too but shows only filters and conditions, not what a node outputs.
// Not seen: bodies of functions that are not inlined (plpgsql, SECURITY
// DEFINER, SQL with SET or several statements), and functions behind
// operators and casts, which a plan shows by their symbol.
std::optional<Refusal> find_side_effect_in_plan(const nlohmann::json& explained);

}  // namespace fleetmcp::side_effects
