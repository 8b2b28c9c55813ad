#include "tools/plan_fitting.h"

#include <deque>
#include <string>
#include <unordered_map>

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

std::size_t dumped_size(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace).size();
}

// Each node's place in breadth-first order and the size of its subtree.
class PlanIndex {
 public:
  explicit PlanIndex(const json& root) {
    std::deque<const json*> queue{&root};
    while (!queue.empty()) {
      const json* node = queue.front();
      queue.pop_front();
      order_[node] = order_.size();
      for (const json& child : children(*node)) queue.push_back(&child);
    }
    subtree_size(root);
  }

  std::size_t nodes() const { return order_.size(); }

  // The tree with only the nodes before `kept` in breadth-first order.
  json pruned(const json& node, std::size_t kept, std::size_t& left_out) const {
    json copy = json::object();  // its own fields only: copying the subtree would be quadratic in the depth
    for (const auto& [key, value] : node.items())
      if (key != "Plans") copy[key] = value;
    json plans = json::array();
    std::size_t dropped_here = 0;
    for (const json& child : children(node)) {
      if (order_.at(&child) < kept) plans.push_back(pruned(child, kept, left_out));
      else dropped_here += sizes_.at(&child);
    }
    if (!plans.empty()) copy["Plans"] = std::move(plans);
    if (dropped_here > 0) copy["Nodes Left Out"] = dropped_here;
    left_out += dropped_here;
    return copy;
  }

 private:
  static const json& children(const json& node) {
    static const json none = json::array();
    auto plans = node.find("Plans");
    return plans != node.end() && plans->is_array() ? *plans : none;
  }

  std::size_t subtree_size(const json& node) {
    std::size_t size = 1;
    for (const json& child : children(node)) size += subtree_size(child);
    return sizes_[&node] = size;
  }

  std::unordered_map<const json*, std::size_t> order_;
  std::unordered_map<const json*, std::size_t> sizes_;
};

}  // namespace

json fit_plan(json summary, std::size_t max_bytes) {
  if (dumped_size(summary) <= max_bytes || !summary.contains("plan")) return summary;
  const json plan = std::move(summary["plan"]);
  summary.erase("plan");
  const PlanIndex index{plan};
  const std::string note_start = "The plan has " + std::to_string(index.nodes()) + " nodes, more than the " +
                                 std::to_string(max_bytes) + "-byte answer holds: ";
  const std::string next_step =
      ". Explain a narrower query (fewer joins, UNION branches or partitions) to see the rest.";
  // The note and counts go in first, so the search measures the whole answer.
  summary["plan_nodes"] = index.nodes();
  summary["plan_nodes_left_out"] = index.nodes();
  summary["note"] = note_start + "only its top nodes are shown, and each node whose sub-plans were dropped says "
                                 "how many in \"Nodes Left Out\"" + next_step;
  // The most nodes (breadth first) whose answer fits; 0 when not even the top one does.
  std::size_t fits = 0, too_many = index.nodes();
  json best;
  while (fits + 1 < too_many) {
    const std::size_t kept = fits + (too_many - fits) / 2;
    std::size_t left_out = 0;
    json candidate = summary;
    candidate["plan"] = index.pruned(plan, kept, left_out);
    candidate["plan_nodes_left_out"] = left_out;
    if (dumped_size(candidate) <= max_bytes) {
      fits = kept;
      best = std::move(candidate);
    } else {
      too_many = kept;
    }
  }
  if (fits > 0) return best;
  summary["note"] = note_start + "not even its top node fits, so none is shown" + next_step;
  return summary;
}

}  // namespace fleetmcp::tools
