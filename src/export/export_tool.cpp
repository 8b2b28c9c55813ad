#include "export/export_tool.h"

#include <cmath>
#include <ctime>

#include "export/export_runner.h"
#include "plan_guard/plan_check.h"
#include "sql/classifier.h"
#include "tools/arguments.h"
#include "tools/bind_parameters.h"
#include "tools/query_tools.h"

namespace fleetmcp::exports {
namespace {

using nlohmann::json;
using tools::CallContext;
using tools::ToolResult;

std::string iso_utc(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string mebibytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

ToolResult refused(std::string message, json facts) {
  ToolResult refusal = ToolResult::error(std::move(message));
  facts["refused"] = refusal.text.substr(0, refusal.text.find('\n'));
  refusal.audit_facts = std::move(facts);
  return refusal;
}

ToolResult failed(std::string message, json facts) {
  ToolResult failure = ToolResult::error(std::move(message));
  facts["error"] = failure.text.substr(0, failure.text.find('\n'));
  failure.audit_facts = std::move(facts);
  return failure;
}

// The bytes this export may write: the file cap, and what is left of the
// analyst's quota. On stdio too: a model steered by what it read must not
// fill the analyst's disk with one export after another.
std::uint64_t byte_budget(ExportService& service, const std::string& caller, std::time_t now, std::uint64_t& used) {
  const Config& config = service.config();
  used = service.store().bytes_owned_by(caller, now);
  if (used >= config.export_quota_bytes) return 0;
  return std::min(config.export_max_bytes, config.export_quota_bytes - used);
}

json answer_of(ExportService& service, const ExportRecord& record, const ExportOutcome& outcome,
               const std::string& time_zone) {
  json answer = {{"export_id", record.id},
                 {"format", format_name(record.format)},
                 {"rows", record.rows},
                 {"bytes", record.bytes},
                 {"sha256", record.sha256},
                 {"columns", record.columns},
                 {"truncated", record.truncated},
                 {"truncated_reason", record.truncated_reason.empty() ? json(nullptr) : json(record.truncated_reason)},
                 {"resource_uri", ExportService::resource_uri(record.id)}};
  if (service.hosted()) {
    answer["download_path"] = ExportService::download_path(record.id);
    if (const std::string url = service.download_url(record.id); !url.empty()) answer["download_url"] = url;
    answer["expires_at"] = iso_utc(static_cast<std::time_t>(record.expires));
  } else {
    answer["path"] = service.store().path_of(record);
  }
  answer["time_zone"] = time_zone;
  answer["elapsed_ms"] = std::round(outcome.elapsed_ms * 100) / 100;
  answer["preview"] = outcome.preview;
  return answer;
}

std::string reading_hint(ExportService& service, const ExportRecord& record) {
  std::string hint = record.truncated ? "The file stopped at the export's " + record.truncated_reason +
                                            " bound: filter or split the query (e.g. by month) for the rest. "
                                      : "";
  if (service.hosted())
    hint += "The analyst downloads it with their own Bearer token at " +
            (service.download_url(record.id).empty() ? ExportService::download_path(record.id) + " on the gateway"
                                                     : service.download_url(record.id)) +
            " until " + iso_utc(static_cast<std::time_t>(record.expires)) + ".";
  else
    hint += "The file is at " + service.store().path_of(record) + ".";
  return hint + " Do not read the whole file back into the conversation: use query to aggregate instead.";
}

ToolResult run(tools::ToolEnvironment& env, ExportService& service, const json& arguments, CallContext& context) {
  const Config& config = env.config;
  const std::string sql = tools::required_string(arguments, "sql");
  const std::string format_text = tools::optional_string(arguments, "format").value_or("csv");
  const auto format = format_named(format_text);
  if (!format) throw tools::ToolArgumentError("format: expected \"csv\" or \"jsonl\", got \"" + format_text.substr(0, 32) + "\"");
  ExportRequest request;
  request.format = *format;
  request.max_rows = static_cast<std::size_t>(tools::integer_in_range(
      arguments, "max_rows", static_cast<std::int64_t>(config.export_max_rows), 1,
      static_cast<std::int64_t>(config.export_max_rows)));
  request.timeout_s = static_cast<int>(
      tools::integer_in_range(arguments, "timeout_s", config.export_timeout_s, 1, config.export_timeout_s));
  request.params = tools::bind_parameters(arguments, sql);
  json facts = {{"sql", sql}, {"format", format_name(*format)}};

  sql::Verdict verdict = sql::classify(sql);
  if (auto refusal = tools::refuse_unguarded(sql, verdict, facts)) return std::move(*refusal);
  if (verdict.kind == sql::StatementKind::Explain)
    return refused("Export refused: EXPLAIN has no rows worth a file; use the explain tool to read a plan.",
                   std::move(facts));
  request.statement = verdict.statement;
  std::optional<plan_guard::PlanLimits> runaway;
  if (!tools::optional_bool(arguments, "allow_expensive", false))
    runaway = plan_guard::PlanLimits{config.max_cost, config.max_plan_rows};
  request.check_plan = plan_guard::plan_check(runaway);

  const std::time_t now = std::time(nullptr);
  ExportStore* store = nullptr;
  std::uint64_t used = 0;
  try {
    store = &service.store();
    if (service.hosted()) store->sweep(now, config.export_timeout_s + 3600);
    request.max_bytes = byte_budget(service, context.caller, now, used);
  } catch (const ExportStoreError& unusable) {
    return failed(std::string("Export failed: ") + unusable.what(), std::move(facts));
  }
  if (request.max_bytes == 0) {
    const std::string next_step =
        service.hosted() ? "Download what you need; files are deleted " + std::to_string(config.export_ttl_s / 3600) +
                               " h after they were made, then export again."
                         : "Delete the files you no longer need from " + store->directory() + ", then export again.";
    return refused("Export refused: your exports hold " + mebibytes(used) + " of your " +
                       mebibytes(config.export_quota_bytes) + " quota (MCP_EXPORT_QUOTA). " + next_step,
                   std::move(facts));
  }

  const std::size_t max_rows = request.max_rows;
  request.on_progress = [&context, max_rows](std::size_t rows, std::uint64_t bytes) {
    context.progress(static_cast<double>(rows), static_cast<double>(max_rows),
                     "exported " + std::to_string(rows) + " rows (" + mebibytes(bytes) + ")");
    return !context.is_cancelled();
  };

  ExportRecord record;
  record.id = ExportStore::new_id();
  record.owner = context.caller;
  record.format = *format;
  record.sql = sql;
  ExportOutcome outcome;
  try {
    const db::TypeCatalog& types = env.types();
    std::unique_ptr<ExportFile> file = store->create_file(record.id, *format);
    outcome = run_export(env.session, types, request, *file);
    record.sha256 = file->commit();
    record.bytes = file->bytes();
  } catch (const plan_guard::PlanRefused& refused_plan) {
    return tools::refused_plan_answer(env, refused_plan, std::move(facts));
  } catch (const pqxx::sql_error& failure) {
    db::QueryRequest as_query;
    as_query.statement = request.statement;
    as_query.timeout_s = request.timeout_s;
    ToolResult answer = tools::failed_statement_answer(env, failure, as_query, std::move(facts));
    answer.text += "\nNo file was kept.";
    return answer;
  } catch (const ExportCancelled& cancelled) {
    return failed(std::string("Cancelled: ") + cancelled.what() + "; the partial file was removed.", std::move(facts));
  } catch (const ExportWriteError& disk) {
    return failed(std::string("Export failed: ") + disk.what() + "; the partial file was removed.", std::move(facts));
  }
  record.rows = outcome.rows;
  record.columns = outcome.columns;
  record.truncated = outcome.truncated;
  record.truncated_reason = outcome.truncated_reason;
  record.created = now;
  record.expires = service.hosted() ? now + config.export_ttl_s : 0;
  try {
    store->save(record);
  } catch (const ExportStoreError& unusable) {
    store->remove(record);
    return failed(std::string("Export failed: ") + unusable.what(), std::move(facts));
  }

  facts["rows"] = record.rows;
  facts["truncated"] = record.truncated;
  if (record.truncated) facts["truncated_reason"] = record.truncated_reason;
  facts["export_id"] = record.id;
  facts["file_bytes"] = record.bytes;
  facts["sha256"] = record.sha256;

  ToolResult result = ToolResult::data(answer_of(service, record, outcome, env.session.facts().time_zone));
  result.more_text.push_back(reading_hint(service, record));
  result.more_content.push_back({{"type", "resource_link"},
                                 {"uri", ExportService::resource_uri(record.id)},
                                 {"name", record.file_name()},
                                 {"title", "Export " + record.file_name()},
                                 {"description", std::to_string(record.rows) + " rows, " + mebibytes(record.bytes)},
                                 {"mimeType", media_type(record.format)},
                                 {"size", record.bytes}});
  result.audit_facts = std::move(facts);
  return result;
}

json export_input_schema(const Config& config) {
  json properties = tools::query_argument_properties(config);
  properties["max_rows"] = {{"type", "integer"},
                            {"minimum", 1},
                            {"maximum", config.export_max_rows},
                            {"description", "Most rows in the file (default and ceiling " +
                                                std::to_string(config.export_max_rows) + ")"}};
  properties["timeout_s"] = {{"type", "integer"},
                             {"minimum", 1},
                             {"maximum", config.export_timeout_s},
                             {"description", "Seconds the statement may run (default and ceiling " +
                                                 std::to_string(config.export_timeout_s) + ")"}};
  properties["format"] = {{"type", "string"},
                          {"enum", {"csv", "jsonl"}},
                          {"description", "csv (default): header row, values as PostgreSQL writes them, as psql "
                                          "--csv does; jsonl: one JSON object per row, typed as query types them"}};
  return {{"type", "object"}, {"properties", properties}, {"required", {"sql"}}, {"additionalProperties", false}};
}

}  // namespace

void add_export_tool(tools::ToolRegistry& registry, tools::ToolEnvironment& env, ExportService& service) {
  const Config& config = env.config;
  registry.add(
      {"export", "Export a read-only query to a file",
       "Runs ONE read-only statement exactly as query does (same guard and plan checks) and writes ALL its rows to a "
       "file instead of the answer: CSV (header row, UTF-8, values as psql --csv writes them) or JSON Lines. For "
       "results past query's caps, e.g. every position of a vehicle for a month. At most " +
           std::to_string(config.export_max_rows) + " rows and " + mebibytes(config.export_max_bytes) +
           " per file, " + std::to_string(config.export_timeout_s) +
           " s. Returns {export_id, rows, bytes, sha256, columns, path or download_url, preview (the first lines)} "
           "and a resource_link; the rows are not in the answer. Cancelling removes the partial file. Example: "
           "{\"sql\": \"SELECT ts, speed, ST_AsText(geom) AS position FROM tracksolid.positions WHERE device_id = $1 "
           "AND ts >= '2026-11-01' AND ts < '2026-12-01' ORDER BY ts\", \"params\": [17]}.",
       export_input_schema(config),
       // It writes a file, but never to the database: not read-only in MCP's sense.
       {{"readOnlyHint", false}, {"destructiveHint", false}, {"idempotentHint", false}, {"openWorldHint", false}},
       [&env, &service](const json& arguments, CallContext& context) { return run(env, service, arguments, context); }});
}

}  // namespace fleetmcp::exports
