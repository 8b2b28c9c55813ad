// Keeps an explain answer within the byte cap: a plan over thousands of
// partitions or UNION branches is cut to its top nodes, with a note saying
// how many were left out, instead of failing.
#pragma once

#include <cstddef>

#include <nlohmann/json.hpp>

namespace fleetmcp::tools {

// `summary` as explain builds it ({…, "plan": {…, "Plans": [...]}}). When its
// JSON text is longer than max_bytes, the plan keeps its first nodes in
// breadth-first order (the top of the tree) that fit; a node whose sub-plans
// were dropped says how many in "Nodes Left Out", and the summary gains
// plan_nodes, plan_nodes_left_out and a note.
nlohmann::json fit_plan(nlohmann::json summary, std::size_t max_bytes);

}  // namespace fleetmcp::tools
