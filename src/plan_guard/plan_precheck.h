// Reads a statement's EXPLAIN (VERBOSE, FORMAT JSON) plan in a read-only
// transaction of its own and hands it to a plan_check. It stands in for
// QueryRequest::check_plan while db::run_query asks for a plain EXPLAIN
// (FORMAT JSON), which shows no node's output and so no hidden calls: once
// the runner's EXPLAIN uses kCheckedExplainPrefix, the check goes into
// check_plan (one EXPLAIN, in the statement's own transaction) and this goes.
#pragma once

#include <functional>
#include <string>

#include "db/query_runner.h"
#include "db/session.h"

namespace fleetmcp::plan_guard {

// Throws what `check` throws (PlanRefused), or the pqxx::sql_error of a
// statement PostgreSQL cannot plan, before anything of the statement runs.
void check_plan_first(db::Session& session, const db::QueryRequest& request,
                      const std::function<void(const std::string& plan_json)>& check);

}  // namespace fleetmcp::plan_guard
