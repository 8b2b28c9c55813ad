#include "doctor/role_guard.h"

#include <memory>

#include <spdlog/spdlog.h>

#include "doctor/role_safety.h"
#include "logging.h"

namespace fleetmcp::doctor {

std::optional<std::string> RoleGuard::refusal() {
  std::lock_guard lock{mutex_};
  if (checked_) return refusal_;
  RoleSafety safety;
  try {
    safety = session_.read_only(30, [](pqxx::nontransaction& tx) { return check_role_safety(tx); });
  } catch (const db::DatabaseUnavailable&) {
    return std::nullopt;  // the tool itself meets the same failure and explains it
  }
  checked_ = true;
  if (safety.safe()) return std::nullopt;
  if (allow_unsafe_) {
    spdlog::warn("serving as an unsafe role because of --allow-unsafe-role: {}", safety.summary());
    return std::nullopt;
  }
  refusal_ = refusal_message(safety);
  spdlog::error("{}", *refusal_);
  return refusal_;
}

tools::ToolRegistry RoleGuard::guard(const tools::ToolRegistry& registry) {
  tools::ToolRegistry guarded;
  for (const tools::Tool& tool : registry.all()) {
    auto inner = std::make_shared<tools::Tool>(tool);
    tools::Tool wrapped = tool;
    wrapped.handler = [this, inner](const nlohmann::json& arguments, tools::CallContext& context) {
      std::optional<std::string> why;
      try {
        why = refusal();
      } catch (const std::exception& failure) {
        why = std::string{"fleetmcp could not check the database role ("} + failure.what() +
              "), so it refuses to run tools; run `fleetmcp doctor`.";
      }
      if (!why) return inner->handler(arguments, context);
      write_audit_line({{"caller", context.caller},
                        {"tool", inner->name},
                        {"arguments", arguments},
                        {"outcome", "refused"},
                        {"error", *why}});
      return tools::ToolResult::error(*why);
    };
    guarded.add(std::move(wrapped));
  }
  return guarded;
}

}  // namespace fleetmcp::doctor
