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

#include "db/wrapped_statement.h"
#include "plan_guard/plan_analysis.h"

namespace fleetmcp::plan_guard {

// How the plan is asked for (db/wrapped_statement.h says why VERBOSE).
inline constexpr std::string_view kCheckedExplainPrefix = db::kPlanPrefix;

// The plan was refused; what() is the cause and the fix, for the model.
struct PlanRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses the EXPLAIN (VERBOSE, FORMAT JSON) text it is given and throws
// PlanRefused when it calls a function with effects outside the transaction,
// or, with `runaway` limits, when analyse_plan refuses it.
std::function<void(const std::string& plan_json)> plan_check(std::optional<PlanLimits> runaway);

}  // namespace fleetmcp::plan_guard
