// `serve`'s refusal to work as a superuser or a role that can write: before
// the first tool runs, one query checks the connected role; if it is unsafe,
// every tool call answers with the reason and a pointer to `fleetmcp doctor`.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "db/session.h"
#include "tools/tool.h"

namespace fleetmcp::doctor {

class RoleGuard {
 public:
  // allow_unsafe (--allow-unsafe-role) logs the problem and serves anyway.
  RoleGuard(db::Session& session, bool allow_unsafe) : session_(session), allow_unsafe_(allow_unsafe) {}

  // The refusal message, or nothing when the role is safe. Checked once per
  // process; a database that cannot be reached is not cached (the tool reports it).
  std::optional<std::string> refusal();

  // The same tools, each answering with the refusal when there is one.
  tools::ToolRegistry guard(const tools::ToolRegistry& registry);

 private:
  db::Session& session_;
  bool allow_unsafe_;
  std::mutex mutex_;
  bool checked_ = false;
  std::optional<std::string> refusal_;
};

}  // namespace fleetmcp::doctor
