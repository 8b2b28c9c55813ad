#include "plan_guard/plan_check.h"

#include "side_effects/plan_calls.h"

namespace fleetmcp::plan_guard {

std::function<void(const std::string& plan_json)> plan_check(std::optional<PlanLimits> runaway) {
  return [runaway](const std::string& plan_json) {
    const nlohmann::json explained = nlohmann::json::parse(plan_json);
    if (auto hidden = side_effects::find_side_effect_in_plan(explained))
      throw PlanRefused(hidden->reason);
    if (!runaway) return;
    PlanVerdict verdict = analyse_plan(explained, *runaway);
    if (verdict.refused) throw PlanRefused(verdict.reason);
  };
}

}  // namespace fleetmcp::plan_guard
