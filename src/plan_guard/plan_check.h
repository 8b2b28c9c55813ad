// The runaway guard's entry point for the query tool: a check run_query calls
// with the statement's plan, in the statement's own transaction, before the
// statement itself runs.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include "plan_guard/plan_analysis.h"

namespace fleetmcp::plan_guard {

// The plan was refused; what() is the cause and the fix, for the model.
struct PlanRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses the EXPLAIN (FORMAT JSON) text it is given and throws PlanRefused
// when analyse_plan refuses it.
std::function<void(const std::string& plan_json)> plan_check(PlanLimits limits);

}  // namespace fleetmcp::plan_guard
