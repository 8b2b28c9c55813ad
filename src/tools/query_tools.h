// The tools that run SQL: query (an analyst's read-only statement) and
// sample_table (the first rows of a table), both through the guarded pipeline.
#pragma once

#include <optional>
#include <string>

#include "db/query_runner.h"
#include "plan_guard/plan_check.h"
#include "sql/classifier.h"
#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

void add_query_tools(ToolRegistry& registry, ToolEnvironment& environment);

// What the query tool does for one call (guard, side-effect refusal, plan
// guard, caps, timeout, audit facts): for tools that run an analyst's
// statement and then do more with the rows (chart). Reads sql, params,
// max_rows, timeout_s and allow_expensive; ignores other arguments.
ToolResult run_read_only_query(ToolEnvironment& environment, const nlohmann::json& arguments, CallContext& context);

// The guard's refusal of `sql` (the lexer's verdict, then calls with effects
// outside the transaction), as the query tool answers it; nullopt when it may
// run. For tools that run an analyst's statement their own way (export).
std::optional<ToolResult> refuse_unguarded(const std::string& sql, sql::Verdict& verdict, nlohmann::json& facts);

// The answers to a statement stopped by the plan guard, or failed in the
// database: the cause, and advice naming the column, table or setting meant.
ToolResult refused_plan_answer(ToolEnvironment& environment, const plan_guard::PlanRefused& refused,
                               nlohmann::json facts);
ToolResult failed_statement_answer(ToolEnvironment& environment, const pqxx::sql_error& failure,
                                   const db::QueryRequest& request, nlohmann::json facts);

// The input-schema properties of those arguments, as the query tool declares them.
nlohmann::json query_argument_properties(const Config& config);

}  // namespace fleetmcp::tools
