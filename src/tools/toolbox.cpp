#include "tools/toolbox.h"

#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "logging.h"
#include "apps/chart_tool.h"
#include "export/export_tool.h"
#include "db/error_report.h"
#include "db/query_runner.h"
#include "tools/argument_names.h"
#include "tools/catalog_tools.h"
#include "tools/explain_tool.h"
#include "tools/query_tools.h"

namespace fleetmcp::tools {
namespace {

ToolResult reported(const db::ErrorReport& report) {
  ToolResult answer = ToolResult::error(report.to_text());
  answer.audit_facts["sqlstate"] = report.sqlstate;
  return answer;
}

// Failures every tool shares become tool errors the analyst can act on.
ToolResult call_safely(const Tool& tool, const nlohmann::json& arguments, CallContext& context,
                       const ToolEnvironment& env) {
  try {
    refuse_unknown_arguments(tool, arguments);
    return tool.handler(arguments, context);
  } catch (const ToolArgumentError& bad) {
    return ToolResult::error(bad.what());
  } catch (const db::CallCancelled& cancelled) {
    return ToolResult::error(std::string{"Cancelled: "} + cancelled.what() + ".");
  } catch (const db::DatabaseUnavailable& down) {
    return ToolResult::error(std::string{"The database is not available: "} + down.what());
  } catch (const db::QueryCancelled& cancelled) {
    return ToolResult::error(cancelled.what());
  } catch (const pqxx::protocol_violation& mismatch) {
    // Not an sql_error in libpqxx, but a statement the server refused (08P01).
    return reported(db::make_error_report("08P01", mismatch.what(), false, env.advice_inputs(env.config.statement_timeout_s)));
  } catch (const pqxx::sql_error& failure) {
    return reported(db::make_error_report(failure, false, env.advice_inputs(env.config.statement_timeout_s)));
  } catch (const std::exception& unexpected) {
    spdlog::error("tool {} failed: {}", tool.name, unexpected.what());
    return ToolResult::error(std::string{"internal error in "} + tool.name + ": " + unexpected.what());
  }
}

Tool audited(Tool tool, ToolEnvironment& env) {
  auto inner = std::make_shared<Tool>(tool);
  tool.handler = [inner, &env](const nlohmann::json& arguments, CallContext& context) {
    auto started = std::chrono::steady_clock::now();
    ToolResult result = call_safely(*inner, arguments, context, env);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    nlohmann::json record = {{"caller", context.caller}, {"tool", inner->name}};
    if (!result.audit_facts.contains("sql")) record["arguments"] = arguments;
    record.update(result.audit_facts);
    record["bytes"] = result.text.size() + result.text_handed_over;
    record["ms"] = std::round(ms * 100) / 100;
    record["outcome"] = result.is_error ? "error" : "ok";
    // An answer that failed after its first rows went out names its error in its facts.
    if (result.is_error && !record.contains("error")) record["error"] = result.text.substr(0, result.text.find('\n'));
    write_audit_line(record);
    return result;
  };
  return tool;
}

}  // namespace

ToolRegistry make_toolbox(ToolEnvironment& env, exports::ExportService* exports) {
  ToolRegistry plain;
  add_catalog_tools(plain, env);
  add_query_tools(plain, env);
  add_explain_tool(plain, env);
  apps::add_chart_tool(plain, env);
  if (exports != nullptr) exports::add_export_tool(plain, env, *exports);
  ToolRegistry registry;
  for (const Tool& tool : plain.all()) registry.add(audited(tool, env));
  return registry;
}

}  // namespace fleetmcp::tools
