// Reads a plain EXPLAIN (FORMAT JSON) plan and decides whether the statement
// would clearly run away (its estimates beyond the configured ceilings), and
// if so names the cause in words a model can act on.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace fleetmcp::plan_guard {

struct PlanLimits {
  std::uint64_t max_cost = 0;       // estimated total cost of the top node
  std::uint64_t max_plan_rows = 0;  // estimated rows of any node
};

struct PlanVerdict {
  bool refused = false;
  std::string reason;  // the cause, the node and its estimate, the fix; empty when not refused
  double total_cost = 0;
  double largest_rows = 0;
};

// `explained` is the one cell EXPLAIN (FORMAT JSON) returns: [{"Plan": {...}}].
PlanVerdict analyse_plan(const nlohmann::json& explained, const PlanLimits& limits);

}  // namespace fleetmcp::plan_guard
