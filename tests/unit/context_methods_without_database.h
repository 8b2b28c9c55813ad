// ContextService over a session that never connects, for dispatcher tests:
// the methods that need no database answer, the rest fail as they would
// with the database down. Add the resource providers a test needs.
#pragma once

#include <chrono>

#include "config.h"
#include "context/context_service.h"
#include "db/session.h"
#include "tools/environment.h"

namespace fleetmcp::testing {

struct ContextMethodsWithoutDatabase {
  static constexpr std::chrono::minutes kTtl{5};
  Config config;
  db::Session session{"", db::SessionDefaults{}};
  tools::ToolEnvironment environment{config, session};
  context::ResourceRegistry resources;
  context::ContextService methods{environment, resources, kTtl};
};

}  // namespace fleetmcp::testing
