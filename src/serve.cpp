#include "serve.h"

#include <csignal>
#include <cstdlib>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <spdlog/spdlog.h>

#include "apps/app_view_resources.h"
#include "apps/ui_extension.h"
#include "context/context_service.h"
#include "context/table_resources.h"
#include "db/session.h"
#include "doctor/role_guard.h"
#include "export/export_resources.h"
#include "export/export_service.h"
#include "logging.h"
#include "mcp/server.h"
#include "mcp/stdio_transport.h"
#include "tools/instructions.h"
#include "tools/toolbox.h"

namespace fleetmcp {
namespace {

mcp::StdioTransport* running_transport = nullptr;

extern "C" void stop_on_signal(int) {
  if (running_transport != nullptr) running_transport->request_stop();
}

}  // namespace

int serve_stdio(const Config& config, bool trusted_gateway_child) {
#ifdef __GLIBC__
  // One arena for the reader, the worker and the connect thread: they barely
  // contend, and only the main arena gives memory back from its top when the
  // worker trims after a large answer (call_worker.cpp).
  mallopt(M_ARENA_MAX, 1);
#endif
  db::Session session{config.database_url,
                      db::SessionDefaults{config.statement_timeout_s, config.connect_timeout_s, "fleetmcp",
                                          config.time_zone}};
  tools::ToolEnvironment environment{config, session};
  // No tool runs as a role that could change the database (--allow-unsafe-role overrides).
  doctor::RoleGuard role_guard{session, config.allow_unsafe_role};
  exports::ExportService export_service{config};
  tools::ToolRegistry registry = role_guard.guard(tools::make_toolbox(environment, &export_service));

  mcp::ServerInfo info;
  info.title = "fleetmcp — fleet analytics (read-only)";
  info.version = FLEETMCP_VERSION;
  info.instructions = tools::server_instructions(config);
  // The first initialize usually arrives while the background connect is
  // under way: it waits for it (a few ms on a reachable database, bounded
  // for one that is not) so the instructions can name the zone and TimescaleDB.
  info.database_notes = [&config, &session] {
    session.wait_for_background_connect(std::chrono::seconds(1));
    return tools::database_instructions(config, session.facts());
  };
  info.each_request_stands_alone = trusted_gateway_child;
  // The extension that lets clients render the chart tool's MCP App view.
  info.extensions = {{apps::kUiExtension, nlohmann::json::object()}};

  // Resources (one provider per URI family: the app views, the tables),
  // prompts and completions. The views come first, so the first page of
  // resources/list always names them however many tables there are.
  context::ResourceRegistry resources;
  resources.add(std::make_unique<apps::AppViewResources>(info.list_ttl));
  resources.add(std::make_unique<context::TableResources>(environment, info.list_ttl));
  resources.add(std::make_unique<exports::ExportResources>(export_service, info.list_ttl));
  context::ContextService context_methods{environment, resources, info.list_ttl,
                                          [&role_guard] { return role_guard.refusal(); }};
  mcp::Server server{info, registry, mcp::CallerPolicy{config.caller, trusted_gateway_child},
                     [](const std::string& caller, const nlohmann::json& params, const std::string& error) {
                       write_unrun_call_audit_line(caller, params, "refused", error);
                     },
                     &context_methods};

  mcp::TransportOptions options;
  options.cancel_running_call = [&session] { session.cancel_running_query(); };
  options.call_starting = [&session] { session.start_call(); };
  options.call_refused = [](const mcp::PreparedCall& call, const std::string& error) {
    if (call.tool == nullptr) return;  // not a tools/call: no audit line
    write_unrun_call_audit_line(call.caller, {{"name", call.tool->name}, {"arguments", call.arguments}}, "busy", error);
  };
  mcp::StdioTransport transport{server, options};

  // A client that goes away mid-write must not kill us with SIGPIPE; the
  // write fails and the transport ends cleanly instead.
  std::signal(SIGPIPE, SIG_IGN);
  running_transport = &transport;
  std::signal(SIGTERM, stop_on_signal);
  std::signal(SIGINT, stop_on_signal);

  spdlog::info("fleetmcp {} serving MCP on stdio (caller {}, schemas {}, database {})", FLEETMCP_VERSION,
               config.caller, config.readable_schemas_text(),
               config.database_url.empty() ? "not configured" : session.masked_dsn());
  session.connect_in_background();
  auto reason = transport.run(STDIN_FILENO, STDOUT_FILENO);
  running_transport = nullptr;
  spdlog::info("stopping: {}", reason == mcp::StdioTransport::StopReason::end_of_input ? "end of input" : "signal");
  if (session.still_connecting()) {
    // A connect to an unreachable host can block for connect_timeout; the
    // client is gone, so do not make it wait for that.
    spdlog::shutdown();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace fleetmcp
