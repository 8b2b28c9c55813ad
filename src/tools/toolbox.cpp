#include "tools/toolbox.h"

#include <chrono>
#include <cmath>

#include <spdlog/spdlog.h>

#include "logging.h"
#include "db/error_report.h"
#include "db/query_runner.h"
#include "tools/argument_names.h"
#include "tools/catalog_tools.h"
#include "tools/explain_tool.h"
#include "tools/query_tools.h"

namespace fleetmcp::tools {
namespace {

db::ErrorAdviceInputs advice_inputs(const ToolEnvironment& env) {
  return {env.config.readable_schemas_text(), env.config.statement_timeout_s};
}

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
    return reported(db::make_error_report("08P01", mismatch.what(), false, advice_inputs(env)));
  } catch (const pqxx::sql_error& failure) {
    return reported(db::make_error_report(failure, false, advice_inputs(env)));
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
    record["bytes"] = result.text.size();
    record["ms"] = std::round(ms * 100) / 100;
    record["outcome"] = result.is_error ? "error" : "ok";
    if (result.is_error) record["error"] = result.text.substr(0, result.text.find('\n'));
    write_audit_line(record);
    return result;
  };
  return tool;
}

}  // namespace

ToolRegistry make_toolbox(ToolEnvironment& env) {
  ToolRegistry plain;
  add_catalog_tools(plain, env);
  add_query_tools(plain, env);
  add_explain_tool(plain, env);
  ToolRegistry registry;
  for (const Tool& tool : plain.all()) registry.add(audited(tool, env));
  return registry;
}

std::string server_instructions(const Config& config) {
  return "fleetmcp answers questions about the fleet database tracksolid_db (PostgreSQL + PostGIS) through "
         "read-only SQL.\n"
         "Readable schemas: " +
         config.readable_schemas_text() +
         ". reporting holds analyst-ready views (e.g. v_daily_summary, the materialized view v_trips, "
         "v_monthly_cost_centre) and fn_* functions; tracksolid holds raw telemetry (devices, positions with "
         "PostGIS points, events); tickets holds INC/CRQ tickets with geometry; fuel holds fuel records.\n"
         "How to work: list_schemas → list_tables(schema) → describe_table(schema, table) (columns, types, keys, "
         "indexes) → query(sql). list_functions shows callable reporting functions; sample_table shows a few rows.\n"
         "Writing good queries: prefer the reporting views over raw telemetry; always qualify names with the "
         "schema; filter large tables (tracksolid.positions) on their time column and indexed keys; aggregate in "
         "SQL instead of fetching many rows; use LIMIT. A query returns at most " +
         std::to_string(config.default_rows) + " rows by default (max_rows up to " + std::to_string(config.max_rows) +
         ") and stops after " + std::to_string(config.statement_timeout_s) +
         " s; truncated=true means more rows existed. Results are {columns, rows (arrays in column order), "
         "row_count, truncated}. Geometry comes back as GeoJSON; use ST_* functions in SQL for distances/areas "
         "(cast to geography for metres).\n"
         "Only one read-only statement per call: writes, DDL, several statements, SELECT INTO and locking clauses "
         "are refused, and errors say what to change.";
}

}  // namespace fleetmcp::tools
