// What the integration tests share: the test database from scripts/testdb
// (DATABASE_URL as analytics_ro, TESTDB_OWNER_URL as the owning role), and
// a toolbox wired exactly as `fleetmcp serve` wires it.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "config.h"
#include "db/session.h"
#include "export/export_service.h"
#include "tools/toolbox.h"

namespace fleetmcp::testing {

inline std::string environment_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : std::string{value};
}

// Fails the test (not skips it) without a database: scripts/test always has one.
inline std::string require_database_url() {
  std::string url = environment_or_empty("DATABASE_URL");
  REQUIRE_MESSAGE(!url.empty(), "DATABASE_URL is not set: run the integration tests through scripts/test");
  return url;
}

// A toolbox over its own session, as `fleetmcp serve` builds it.
struct Toolbox {
  Config config;
  std::unique_ptr<db::Session> session;
  std::unique_ptr<tools::ToolEnvironment> environment;
  std::unique_ptr<exports::ExportService> exports;
  tools::ToolRegistry registry;

  // `database_url`: another DSN for the same database (default DATABASE_URL).
  explicit Toolbox(Config base = Config{}, std::string database_url = "") : config(std::move(base)) {
    config.database_url = database_url.empty() ? require_database_url() : std::move(database_url);
    config.caller = "integration";
    session = std::make_unique<db::Session>(config.database_url,
                                            db::SessionDefaults{config.statement_timeout_s, 5, "fleetmcp-test", config.time_zone});
    environment = std::make_unique<tools::ToolEnvironment>(config, *session);
    exports = std::make_unique<exports::ExportService>(config);
    registry = tools::make_toolbox(*environment, exports.get());
  }

  // client_renders_apps: as for a client that declared the MCP Apps extension.
  tools::ToolResult call(const std::string& tool, const nlohmann::json& arguments, bool client_renders_apps = false) {
    const tools::Tool* found = registry.find(tool);
    REQUIRE_MESSAGE(found != nullptr, "no tool " << tool);
    tools::CallContext context;
    context.caller = "integration";
    context.client_renders_apps = client_renders_apps;
    return found->handler(arguments, context);
  }

  // The JSON of a successful call (fails the test on a tool error).
  nlohmann::json data(const std::string& tool, const nlohmann::json& arguments) {
    tools::ToolResult result = call(tool, arguments);
    INFO("tool text: " << result.text);
    REQUIRE_FALSE(result.is_error);
    return nlohmann::json::parse(result.text);
  }
};

}  // namespace fleetmcp::testing
