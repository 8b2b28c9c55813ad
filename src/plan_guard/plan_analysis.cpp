#include "plan_guard/plan_analysis.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace fleetmcp::plan_guard {
namespace {

using nlohmann::json;

const json& children(const json& node) {
  static const json none = json::array();
  auto found = node.find("Plans");
  return found == node.end() ? none : *found;
}

// Estimates are doubles that reach 1e11 and more: "4.2e+11" reads better than 21 digits.
std::string figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value < 1e7 ? "%.0f" : "%.2g", value);
  return text;
}

// Chunks are planned under their own names; the alias the analyst wrote is
// the chunk's alias less its "_<n>" suffix (a_3 → a). An unaliased chunk
// keeps its internal name (_hyper_1_3_chunk), which is said as it is.
std::string alias_of(const json& scan) {
  std::string alias = scan.value("Alias", "");
  if (alias.rfind("_hyper_", 0) == 0) return "the hypertable of chunk " + alias;
  if (auto cut = alias.rfind('_'); cut != std::string::npos && cut + 1 < alias.size() &&
                                   alias.find_first_not_of("0123456789", cut + 1) == std::string::npos)
    alias.resize(cut);
  return alias;
}

// The first relation a subtree reads, as the analyst named it.
std::string relation_of(const json& node) {
  if (node.contains("Alias")) return alias_of(node);
  for (const json& child : children(node))
    if (std::string name = relation_of(child); !name.empty()) return name;
  return "";
}

bool mentions_condition(const json& node) {
  for (const char* key : {"Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter", "TID Cond"})
    if (node.contains(key)) return true;
  for (const json& child : children(node))
    if (mentions_condition(child)) return true;
  return false;
}

// A Nested Loop with no join filter whose inner side is not looked up by an
// index condition pairs every outer row with every inner row.
bool is_cartesian(const json& node) {
  if (node.value("Node Type", "") != "Nested Loop" || node.contains("Join Filter")) return false;
  const json& sides = children(node);
  return sides.size() == 2 && !mentions_condition(sides[1]);
}

// Append (or TimescaleDB's ChunkAppend) over several unfiltered Seq Scans:
// every chunk of a hypertable read whole.
bool is_unfiltered_chunk_scan(const json& node) {
  const std::string type = node.value("Node Type", "");
  const bool append = type == "Append" || (type == "Custom Scan" && node.value("Custom Plan Provider", "") == "ChunkAppend");
  const json& parts = children(node);
  if (!append || parts.size() < 2) return false;
  for (const json& part : parts)
    if (part.value("Node Type", "") != "Seq Scan" || part.contains("Filter")) return false;
  return true;
}

void collect(const json& node, std::vector<const json*>& nodes) {
  nodes.push_back(&node);
  for (const json& child : children(node)) collect(child, nodes);
}

std::string cause(const std::vector<const json*>& nodes, const json& largest) {
  for (const json* node : nodes) {
    if (is_cartesian(*node)) {
      const json& sides = children(*node);
      return "a Nested Loop joins " + relation_of(sides[0]) + " and " + relation_of(sides[1]) +
             " with no join condition (a cartesian product, " + figure(node->value("Plan Rows", 0.0)) +
             " estimated rows). Add the missing ON / WHERE " + relation_of(sides[0]) + ".x = " +
             relation_of(sides[1]) + ".x.";
    }
  }
  for (const json* node : nodes) {
    if (is_unfiltered_chunk_scan(*node)) {
      const json& parts = children(*node);
      return "every one of the " + std::to_string(parts.size()) + " chunks of " + relation_of(parts[0]) + " is read whole by a sequential scan with no filter (" +
             figure(node->value("Plan Rows", 0.0)) + " estimated rows). Add a time range such as WHERE ts >= "
             "now() - interval '7 days', or aggregate.";
    }
  }
  return "the " + largest.value("Node Type", std::string{"plan"}) + " node" +
         (relation_of(largest).empty() ? "" : " on " + relation_of(largest)) + " is estimated at " +
         figure(largest.value("Plan Rows", 0.0)) + " rows. Filter (WHERE), join on a condition, or aggregate.";
}

}  // namespace

PlanVerdict analyse_plan(const json& explained, const PlanLimits& limits) {
  const json& plan = explained.at(0).at("Plan");
  std::vector<const json*> nodes;
  collect(plan, nodes);
  const json* largest = &plan;
  for (const json* node : nodes)
    if (node->value("Plan Rows", 0.0) > largest->value("Plan Rows", 0.0)) largest = node;

  PlanVerdict verdict;
  verdict.total_cost = plan.value("Total Cost", 0.0);
  verdict.largest_rows = largest->value("Plan Rows", 0.0);
  const bool too_dear = verdict.total_cost > static_cast<double>(limits.max_cost);
  const bool too_many = verdict.largest_rows > static_cast<double>(limits.max_plan_rows);
  if (!too_dear && !too_many) return verdict;
  verdict.refused = true;
  verdict.reason = "the plan would run away: estimated total cost " + figure(verdict.total_cost) +
                   (too_dear ? " (over MCP_MAX_COST " + figure(static_cast<double>(limits.max_cost)) + ")" : "") +
                   ", largest node " + figure(verdict.largest_rows) + " rows" +
                   (too_many ? " (over MCP_MAX_PLAN_ROWS " + figure(static_cast<double>(limits.max_plan_rows)) + ")"
                             : "") +
                   ". Cause: " + cause(nodes, *largest) +
                   " To run it anyway within the timeout, pass allow_expensive: true.";
  return verdict;
}

}  // namespace fleetmcp::plan_guard
