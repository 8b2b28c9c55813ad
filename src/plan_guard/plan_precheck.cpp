#include "plan_guard/plan_precheck.h"

#include "plan_guard/plan_check.h"

namespace fleetmcp::plan_guard {

void check_plan_first(db::Session& session, const db::QueryRequest& request,
                      const std::function<void(const std::string& plan_json)>& check) {
  pqxx::params params;
  for (const auto& param : request.params) {
    if (param) params.append(*param);
    else params.append();
  }
  const std::string plan = session.read_only(request.timeout_s, [&](pqxx::nontransaction& tx) {
    return tx.exec(std::string{kCheckedExplainPrefix} + request.statement, params).one_row()[0].as<std::string>();
  });
  check(plan);
}

}  // namespace fleetmcp::plan_guard
