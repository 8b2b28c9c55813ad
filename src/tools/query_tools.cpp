#include "tools/query_tools.h"

#include "db/error_report.h"
#include "db/query_runner.h"
#include "plan_guard/plan_check.h"
#include "side_effects/side_effect_guard.h"
#include "sql/classifier.h"
#include "tools/arguments.h"
#include "tools/bind_parameters.h"
#include "tools/catalog_tools.h"
#include "tools/empty_result_hint.h"
#include "tools/hidden_columns.h"
#include "tools/hypertable_names.h"
#include "tools/relation_suggestions.h"

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

constexpr std::int64_t kSampleDefault = 10;
constexpr std::int64_t kSampleMaximum = 100;

// Runs a statement that passed the guard and answers with rows or a precise
// error. Unless the guard is off for a test, its plan is checked first for
// calls hidden in views and SQL functions, and against `runaway` limits when given.
ToolResult run_guarded(ToolEnvironment& env, db::QueryRequest request, CallContext& context, json facts,
                       std::optional<plan_guard::PlanLimits> runaway = std::nullopt) {
  request.max_bytes = env.config.max_bytes;
  request.max_cell_bytes = env.config.max_cell_bytes;
  const std::size_t max_rows = request.max_rows;
  request.on_batch = [&context, max_rows](std::size_t rows_so_far) {
    context.progress(static_cast<double>(rows_so_far), static_cast<double>(max_rows),
                     "fetched " + std::to_string(rows_so_far) + " rows");
    return !context.is_cancelled();
  };
  // The statement's plan, read in its transaction just before it runs, for
  // calls hidden in views and SQL functions and, unless the call allowed it,
  // for a runaway plan.
  if (request.wrap && !env.config.guard_disabled_for_tests) request.check_plan = plan_guard::plan_check(runaway);
  request.write_ahead = context.write_ahead;
  request.describe_error = [&env, &request](const pqxx::sql_error& failure) {
    return db::make_error_report(failure, request.wrap, env.advice_inputs(request.timeout_s), request.statement)
        .to_text();
  };
  try {
    db::QueryResult result = db::run_query(env.session, env.types(), request);
    if (result.row_count == 0 && result.handed_over == 0) {
      if (std::string hint = empty_result_hint(request.statement); !hint.empty()) add_hint(result.text, hint);
    }
    // An error after the first rows went out is inside the answer, beside them.
    ToolResult answer{std::move(result.text), result.failed};
    facts["rows"] = result.row_count;
    facts["truncated"] = result.truncated;
    if (result.truncated) facts["truncated_reason"] = result.truncated_reason;
    if (result.failed) {
      facts["sqlstate"] = result.error_sqlstate;
      facts["error"] = result.error_message.substr(0, result.error_message.find('\n'));
    }
    answer.text_handed_over = result.handed_over;
    answer.audit_facts = std::move(facts);
    return answer;
  } catch (const plan_guard::PlanRefused& refused) {
    return refused_plan_answer(env, refused, std::move(facts));
  } catch (const pqxx::sql_error& failure) {
    return failed_statement_answer(env, failure, request, std::move(facts));
  }
}

}  // namespace

std::optional<ToolResult> refuse_unguarded(const std::string& sql, sql::Verdict& verdict, json& facts) {
  side_effects::refuse_side_effects(verdict, sql);
  if (verdict.allowed) return std::nullopt;
  ToolResult refusal = ToolResult::error("Query refused: " + verdict.reason + "\n" +
                                         db::caret_context(sql, verdict.error_offset));
  facts["refused"] = verdict.reason;
  refusal.audit_facts = std::move(facts);
  return refusal;
}

ToolResult refused_plan_answer(ToolEnvironment& env, const plan_guard::PlanRefused& refused, json facts) {
  const std::string reason = with_hypertable_names(env, refused.what());
  ToolResult answer = ToolResult::error("Query refused: " + reason);
  facts["refused"] = reason;
  answer.audit_facts = std::move(facts);
  return answer;
}

ToolResult failed_statement_answer(ToolEnvironment& env, const pqxx::sql_error& failure,
                                   const db::QueryRequest& request, json facts) {
  db::ErrorReport report =
      db::make_error_report(failure, request.wrap, env.advice_inputs(request.timeout_s), request.statement);
  std::string text = report.to_text();
  if (report.sqlstate == "42501") {
    std::string hidden = hidden_columns_advice(env, relation_denied_in(report.message));
    if (!hidden.empty()) text += "\n" + hidden;
  }
  if (std::string meant = missing_relation_advice(env, report.sqlstate, report.message, request.statement);
      !meant.empty())
    text += "\n" + meant;
  ToolResult answer = ToolResult::error(text);
  facts["sqlstate"] = report.sqlstate;
  answer.audit_facts = std::move(facts);
  return answer;
}

ToolResult run_read_only_query(ToolEnvironment& env, const json& arguments, CallContext& context) {
  const std::string sql = required_string(arguments, "sql");
  const Config& config = env.config;
  db::QueryRequest request;
  request.max_rows = static_cast<std::size_t>(integer_in_range(arguments, "max_rows",
                                                               static_cast<std::int64_t>(config.default_rows), 1,
                                                               static_cast<std::int64_t>(config.max_rows)));
  request.timeout_s = static_cast<int>(
      integer_in_range(arguments, "timeout_s", config.statement_timeout_s, 1, config.statement_timeout_s));
  request.params = bind_parameters(arguments, sql);

  json facts = {{"sql", sql}};
  if (config.guard_disabled_for_tests) {
    request.statement = sql;
    return run_guarded(env, std::move(request), context, std::move(facts));
  }
  sql::Verdict verdict = sql::classify(sql);
  if (auto refusal = refuse_unguarded(sql, verdict, facts)) return std::move(*refusal);
  request.statement = verdict.statement;
  request.wrap = verdict.kind != sql::StatementKind::Explain;
  std::optional<plan_guard::PlanLimits> runaway;
  if (!optional_bool(arguments, "allow_expensive", false))
    runaway = plan_guard::PlanLimits{config.max_cost, config.max_plan_rows};
  return run_guarded(env, std::move(request), context, std::move(facts), runaway);
}

json query_argument_properties(const Config& config) {
  return {{"sql", {{"type", "string"}, {"description", "One read-only SQL statement"}}},
          {"max_rows",
           {{"type", "integer"},
            {"minimum", 1},
            {"maximum", config.max_rows},
            {"description", "Most rows to return (default " + std::to_string(config.default_rows) + ")"}}},
          {"params", params_property_schema()},
          {"allow_expensive",
           {{"type", "boolean"},
            {"description", "Run it even when its plan looks like a runaway (a cartesian join, a whole "
                            "hypertable unfiltered); it still stops at timeout_s"}}},
          {"timeout_s",
           {{"type", "integer"},
            {"minimum", 1},
            {"maximum", config.statement_timeout_s},
            {"description", "Seconds the statement may run (default and ceiling " +
                                std::to_string(config.statement_timeout_s) + ")"}}}};
}

namespace {

ToolResult sample_table(ToolEnvironment& env, const json& arguments, CallContext& context) {
  const std::string schema = required_string(arguments, "schema");
  const std::string table = required_string(arguments, "table");
  require_readable_schema(env.config, schema);
  const std::int64_t rows = integer_in_range(arguments, "n", kSampleDefault, 1, kSampleMaximum);
  RelationRef relation = resolve_relation(env, schema, table);

  db::QueryRequest request;
  request.statement = "SELECT * FROM " + relation.qualified() + " LIMIT " + std::to_string(rows);
  request.max_rows = static_cast<std::size_t>(rows);
  request.timeout_s = env.config.statement_timeout_s;
  json facts = {{"sql", request.statement}};
  return run_guarded(env, std::move(request), context, std::move(facts));
}

}  // namespace

void add_query_tools(ToolRegistry& registry, ToolEnvironment& env) {
  const json read_only = {{"readOnlyHint", true}, {"openWorldHint", false}};
  registry.add(
      {"query", "Run a read-only SQL query",
       "Runs ONE read-only PostgreSQL statement (SELECT, WITH … SELECT, VALUES, TABLE, or EXPLAIN without ANALYZE) "
       "and returns {columns:[{name,type}], rows:[[…]], row_count, truncated, truncated_reason, time_zone, "
       "elapsed_ms}. "
       "Rows are arrays in column order. int8 beyond ±2^53 and numeric come as strings (exact), timestamps as ISO "
       "8601 with their offset in time_zone (the zone ::date and date_trunc count days in), json/jsonb embedded, arrays as JSON arrays, bytea as base64, PostGIS geometry/geography as GeoJSON. "
       "At most max_rows rows (default " +
           std::to_string(env.config.default_rows) + ", ceiling " + std::to_string(env.config.max_rows) +
           ") and about " + std::to_string(env.config.max_bytes / 1024) +
           " KiB come back; truncated=true says more existed — aggregate or filter rather than raising max_rows. "
           "Writes, several statements, SELECT INTO and FOR UPDATE are refused. Qualify names with their schema. "
           "Use $1, $2 … with params for values. Example: {\"sql\": \"SELECT d.cost_centre, count(*) FROM "
           "tracksolid.devices d GROUP BY 1 ORDER BY 2 DESC\", \"max_rows\": 10}.",
       {{"type", "object"},
        {"properties", query_argument_properties(env.config)},
        {"required", {"sql"}},
        {"additionalProperties", false}},
       read_only,
       [&env](const json& arguments, CallContext& context) { return run_read_only_query(env, arguments, context); }});

  registry.add(
      {"sample_table", "Sample rows of a table",
       "Returns the first n rows (default 10, at most 100) of a table or view, in the same shape as query, to see "
       "what the data looks like. Example: {\"schema\": \"tracksolid\", \"table\": \"devices\", \"n\": 5}.",
       {{"type", "object"},
        {"properties",
         {{"schema", {{"type", "string"}, {"description", "Schema name, e.g. tracksolid"}}},
          {"table", {{"type", "string"}, {"description", "Table or view name, e.g. devices"}}},
          {"n", {{"type", "integer"}, {"minimum", 1}, {"maximum", kSampleMaximum}, {"description", "Rows (default 10)"}}}}},
        {"required", {"schema", "table"}},
        {"additionalProperties", false}},
       read_only,
       [&env](const json& arguments, CallContext& context) { return sample_table(env, arguments, context); }});
}

}  // namespace fleetmcp::tools
