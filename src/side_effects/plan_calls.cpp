#include "side_effects/plan_calls.h"

#include <string>

namespace fleetmcp::side_effects {
namespace {

// Keys whose values are names or figures, never expressions: skipping them
// keeps a relation or alias that happens to share a refused view's name
// (e.g. a subquery aliased pg_stat_activity) from being taken for a call.
bool is_name_or_figure(const std::string& key) {
  return key == "Node Type" || key == "Relation Name" || key == "Schema" || key == "Alias" || key == "Index Name" ||
         key == "CTE Name" || key == "Subplan Name" || key == "Parent Relationship" || key == "Strategy" ||
         key == "Partial Mode" || key == "Join Type" || key == "Scan Direction" || key == "Command" ||
         key == "Operation" || key == "Function Name";
}

std::optional<Refusal> search(const nlohmann::json& node, const std::string& key, const std::string& node_type) {
  if (node.is_string()) {
    if (is_name_or_figure(key)) return std::nullopt;
    const std::string& expression = node.get_ref<const std::string&>();
    std::optional<Refusal> found = find_side_effect(expression);
    if (found) {
      constexpr std::size_t kShown = 200;
      found->reason += ", and it is called inside a view or SQL function this statement uses (the plan's " +
                       node_type + " " + key + ": `" + expression.substr(0, kShown) +
                       (expression.size() > kShown ? "…" : "") +
                       "`). Leave that view or function out: query the tables it reads directly.";
    }
    return found;
  }
  if (node.is_array()) {
    for (const auto& item : node)
      if (auto found = search(item, key, node_type)) return found;
    return std::nullopt;
  }
  if (!node.is_object()) return std::nullopt;
  const std::string type = node.contains("Node Type") && node["Node Type"].is_string()
                               ? node["Node Type"].get<std::string>()
                               : node_type;
  for (const auto& [child_key, child] : node.items())
    if (auto found = search(child, child_key, type)) return found;
  return std::nullopt;
}

}  // namespace

std::optional<Refusal> find_side_effect_in_plan(const nlohmann::json& explained) {
  std::optional<Refusal> found = search(explained, "", "statement");
  if (found) found->offset = 0;  // an offset into a plan expression means nothing in the statement
  return found;
}

}  // namespace fleetmcp::side_effects
