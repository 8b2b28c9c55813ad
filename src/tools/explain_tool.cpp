#include "tools/explain_tool.h"

#include "db/error_report.h"
#include "db/query_runner.h"
#include "plan_guard/plan_check.h"
#include "plan_guard/plan_precheck.h"
#include "side_effects/side_effect_guard.h"
#include "sql/classifier.h"
#include "tools/arguments.h"
#include "tools/bind_parameters.h"
#include "tools/plan_fitting.h"
#include "tools/relation_suggestions.h"

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

// How much plan text is read from the server before it is cut to the answer's cap.
constexpr std::size_t kLargestPlanBytes = 64 * 1024 * 1024;

// On its own line, like the query wrapper's prefix, so "LINE n:" in errors counts the
// analyst's lines (error_report renumbers wrapped statements).
std::string explain_prefix(bool analyze) {
  return analyze ? "EXPLAIN (FORMAT JSON, ANALYZE, BUFFERS)\n" : "EXPLAIN (FORMAT JSON)\n";
}

ToolResult refusal(const std::string& sql, const sql::Verdict& verdict, json facts) {
  ToolResult answer = ToolResult::error("Explain refused: " + verdict.reason + "\n" +
                                        db::caret_context(sql, verdict.error_offset));
  facts["refused"] = verdict.reason;
  answer.audit_facts = std::move(facts);
  return answer;
}

// The one cell of EXPLAIN (FORMAT JSON) → the figures an analyst looks at first,
// with the whole plan tree after them.
json summarise(const json& explained, bool analyze) {
  const json& top = explained.at(0);
  const json& plan = top.at("Plan");
  json summary = {{"total_cost", plan.value("Total Cost", 0.0)},
                  {"estimated_rows", plan.value("Plan Rows", 0.0)},
                  {"analyzed", analyze}};
  if (analyze) {
    summary["actual_rows"] = plan.value("Actual Rows", 0.0);
    summary["actual_total_time_ms"] = plan.value("Actual Total Time", 0.0);
    summary["planning_time_ms"] = top.value("Planning Time", 0.0);
    summary["execution_time_ms"] = top.value("Execution Time", 0.0);
  }
  summary["plan"] = plan;
  return summary;
}

ToolResult explain(ToolEnvironment& env, const json& arguments) {
  const std::string sql = required_string(arguments, "sql");
  const bool analyze = optional_bool(arguments, "analyze", false);
  const int timeout_s = static_cast<int>(
      integer_in_range(arguments, "timeout_s", env.config.statement_timeout_s, 1, env.config.statement_timeout_s));
  json facts = {{"sql", sql}, {"analyze", analyze}};

  sql::Verdict query = sql::classify(sql);
  side_effects::refuse_side_effects(query, sql);
  if (!query.allowed) return refusal(sql, query, std::move(facts));
  if (query.kind == sql::StatementKind::Explain) {
    query.allowed = false;
    query.reason = "give the query itself; the explain tool adds EXPLAIN (use analyze=true for ANALYZE).";
    return refusal(sql, query, std::move(facts));
  }
  // The statement actually sent is guarded too, ANALYZE allowed only when asked for.
  const std::string statement = explain_prefix(analyze) + query.statement;
  sql::Verdict full = sql::classify(statement, {.allow_explain_analyze = analyze});
  if (!full.allowed) return refusal(sql, full, std::move(facts));

  db::QueryRequest request;
  request.statement = full.statement;
  request.params = bind_parameters(arguments, sql);
  request.wrap = false;
  request.max_rows = 1;
  request.timeout_s = timeout_s;
  // The plan is one cell: it is read whole (up to a ceiling), and cut to the
  // answer's byte cap node by node afterwards, never mid-JSON.
  request.max_bytes = kLargestPlanBytes;
  request.max_cell_bytes = kLargestPlanBytes;
  try {
    // ANALYZE runs the query: calls hidden in the views and SQL functions it
    // uses are looked for in its plan first (a plain EXPLAIN runs nothing).
    if (analyze) {
      db::QueryRequest planned = request;
      planned.statement = query.statement;
      plan_guard::check_plan_first(env.session, planned, plan_guard::plan_check(std::nullopt));
    }
    db::QueryResult result = db::run_query(env.session, env.types(), request);
    const json explained = json::parse(result.text).at("rows").at(0).at(0);
    if (!explained.is_array())  // the encoder cut it to a string
      throw ToolArgumentError("the plan is larger than " + std::to_string(kLargestPlanBytes >> 20) +
                              " MiB; explain a narrower query (fewer joins, UNION branches or partitions).");
    ToolResult answer = ToolResult::data(fit_plan(summarise(explained, analyze), env.config.max_bytes));
    answer.audit_facts = std::move(facts);
    return answer;
  } catch (const plan_guard::PlanRefused& refused) {
    ToolResult answer = ToolResult::error(std::string{"Explain refused: "} + refused.what());
    facts["refused"] = refused.what();
    answer.audit_facts = std::move(facts);
    return answer;
  } catch (const pqxx::sql_error& failure) {
    db::ErrorReport report =
        db::make_error_report(failure, true, env.advice_inputs(timeout_s));
    std::string text = report.to_text();
    if (std::string meant = missing_relation_advice(env, report.sqlstate, report.message, sql); !meant.empty())
      text += "\n" + meant;
    ToolResult answer = ToolResult::error(text);
    facts["sqlstate"] = report.sqlstate;
    answer.audit_facts = std::move(facts);
    return answer;
  }
}

}  // namespace

void add_explain_tool(ToolRegistry& registry, ToolEnvironment& env) {
  registry.add(
      {"explain", "Show the query plan",
       "Shows how PostgreSQL would run ONE read-only query (the same statements query accepts, without the EXPLAIN "
       "keyword): returns {total_cost, estimated_rows, analyzed, plan} where plan is the EXPLAIN (FORMAT JSON) tree "
       "(node types, indexes used, estimated rows per node); $1, $2 … take their values from params, as in query. "
       "With analyze=true the query really runs — inside a read-only transaction that is rolled back, with the "
       "same timeout as query — and actual_rows, actual_total_time_ms, planning_time_ms and execution_time_ms are "
       "added. Use it to see why a query is slow "
       "before running it. Example: {\"sql\": \"SELECT * FROM tracksolid.positions WHERE device_id = 3 AND ts > "
       "now() - interval '1 day'\", \"analyze\": true}.",
       {{"type", "object"},
        {"properties",
         {{"sql", {{"type", "string"}, {"description", "One read-only query, without EXPLAIN"}}},
          {"analyze",
           {{"type", "boolean"},
            {"description", "Run the query (read-only, rolled back) and report actual times and rows"}}},
          {"params", params_property_schema()},
          {"timeout_s",
           {{"type", "integer"},
            {"minimum", 1},
            {"maximum", env.config.statement_timeout_s},
            {"description", "Seconds an analyze run may take (default and ceiling " +
                                std::to_string(env.config.statement_timeout_s) + ")"}}}}},
        {"required", {"sql"}},
        {"additionalProperties", false}},
       {{"readOnlyHint", true}, {"openWorldHint", false}},
       [&env](const json& arguments, CallContext&) { return explain(env, arguments); }});
}

}  // namespace fleetmcp::tools
