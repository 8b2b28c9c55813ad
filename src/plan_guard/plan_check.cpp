#include "plan_guard/plan_check.h"

namespace fleetmcp::plan_guard {

std::function<void(const std::string& plan_json)> plan_check(PlanLimits limits) {
  return [limits](const std::string& plan_json) {
    PlanVerdict verdict = analyse_plan(nlohmann::json::parse(plan_json), limits);
    if (verdict.refused) throw PlanRefused(verdict.reason);
  };
}

}  // namespace fleetmcp::plan_guard
