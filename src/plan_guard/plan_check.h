// The checks a statement's plan goes through before the statement runs, in
// the statement's own transaction when the runner reads the plan (check_plan):
// calls hidden in views and SQL functions (src/side_effects/plan_calls.h),
// then the runaway guard.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "plan_guard/plan_analysis.h"

namespace fleetmcp::plan_guard {

// How the plan is asked for: VERBOSE, because only then does a plan show
// what each node outputs, schema-qualified where the search_path would not
// find it, after views are expanded and SQL functions inlined. The cost
// figures the runaway guard reads are the same with or without it. On its
// own line, so "LINE n:" in errors is renumbered as for the cursor's prefix.
inline constexpr std::string_view kCheckedExplainPrefix = "EXPLAIN (VERBOSE, FORMAT JSON)\n";

// The plan was refused; what() is the cause and the fix, for the model.
struct PlanRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses the EXPLAIN (VERBOSE, FORMAT JSON) text it is given and throws
// PlanRefused when it calls a function with effects outside the transaction,
// or, with `runaway` limits, when analyse_plan refuses it.
std::function<void(const std::string& plan_json)> plan_check(std::optional<PlanLimits> runaway);

}  // namespace fleetmcp::plan_guard
