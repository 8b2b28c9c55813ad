#include "apps/chart_tool.h"

#include "apps/app_resources.h"
#include "apps/chart_spec.h"
#include "apps/chart_summary.h"
#include "apps/ui_extension.h"
#include "tools/query_tools.h"

namespace fleetmcp::apps {
namespace {

using nlohmann::json;
using tools::CallContext;
using tools::ToolResult;

ToolResult refused_after_query(const std::string& message, json facts) {
  ToolResult refusal = ToolResult::error(message);
  facts["refused"] = message;
  refusal.audit_facts = std::move(facts);
  return refusal;
}

ToolResult chart(tools::ToolEnvironment& env, const json& arguments, CallContext& context) {
  // What to draw is checked first: a spec that would load from the network is refused before any query runs.
  const ChartRequest request = read_chart_request(arguments);
  // The query gets a context with only the caller, cancellation and progress:
  // the chart's answer is its summary, so the rows must come back here whole,
  // never be written to the client as the answer by anything else the
  // transport puts in a call's context.
  CallContext query_context;
  query_context.caller = context.caller;
  query_context.is_cancelled = context.is_cancelled;
  query_context.progress = context.progress;
  ToolResult answer = tools::run_read_only_query(env, arguments, query_context);
  if (answer.is_error) return answer;

  json facts = std::move(answer.audit_facts);
  facts["chart"] = request.mark.empty() ? "vega_lite" : request.mark;
  const json data = json::parse(answer.text);
  json spec;
  try {
    spec = build_chart_spec(request, result_columns(data));
  } catch (const tools::ToolArgumentError& wrong) {
    return refused_after_query(wrong.what(), std::move(facts));
  }

  std::string summary = chart_summary(request, spec, data);
  if (context.client_renders_apps) {
    summary += " The user sees the chart in the conversation; its rows are not repeated here.";
  } else {
    summary += std::string(" This client did not declare the MCP Apps extension (") + kUiExtension +
               "), so no chart is shown; the rows follow as JSON, and structuredContent carries them with the "
               "Vega-Lite spec.";
  }
  ToolResult result{summary};
  result.structured_content = {{"chart", {{"title", request.title}, {"spec", std::move(spec)}}},
                               {"columns", data.at("columns")},
                               {"rows", data.at("rows")},
                               {"row_count", data.value("row_count", 0)},
                               {"truncated", data.value("truncated", false)},
                               {"time_zone", data.value("time_zone", "")},
                               {"summary", summary}};
  if (!context.client_renders_apps) result.more_text.push_back(std::move(answer.text));
  result.audit_facts = std::move(facts);
  return result;
}

json chart_input_schema(const Config& config) {
  json properties = tools::query_argument_properties(config);
  properties["title"] = {{"type", "string"}, {"description", "The chart's title"}};
  properties["mark"] = {{"type", "string"},
                        {"enum", {"line", "bar", "area", "scatter", "map"}},
                        {"description", "What to draw: line, bar, area, scatter (x and y), or map (a point per row "
                                        "of a PostGIS geometry column). Or give vega_lite instead"}};
  properties["x"] = {{"type", "string"}, {"description", "Column for the horizontal axis (line, bar, area, scatter)"}};
  properties["y"] = {{"type", "string"}, {"description", "Numeric column for the vertical axis"}};
  properties["series"] = {{"type", "string"}, {"description", "Column whose values split the rows into coloured series"}};
  properties["geometry"] = {{"type", "string"},
                            {"description", "map: the geometry column (default: the first geometry column)"}};
  properties["vega_lite"] = {
      {"type", "object"},
      {"description", "A Vega-Lite spec without data (the rows of sql are its data; fields name their columns). "
                      "No data.url, data.values, datasets, image marks or href"}};
  return {{"type", "object"}, {"properties", properties}, {"required", {"sql"}}, {"additionalProperties", false}};
}

}  // namespace

void add_chart_tool(tools::ToolRegistry& registry, tools::ToolEnvironment& env) {
  tools::Tool tool{
      "chart", "Draw a chart of a read-only query",
      "Runs ONE read-only statement exactly as query does (same guard, row and byte caps, timeout, plan guard) and "
      "draws its rows in the client as an MCP App (ui://fleetmcp/chart.html): either mark (line, bar, area, scatter "
      "with x, y and optional series; map for a point layer of a PostGIS geometry column) or a Vega-Lite spec in "
      "vega_lite whose fields are the result's columns. Returns a short summary (rows, x and y ranges, series) and "
      "the rows with the spec as structuredContent; clients without MCP Apps get the rows as JSON text too. "
      "Aggregate in SQL so the rows are the points to draw. Example: {\"sql\": \"SELECT started_at::date AS day, "
      "count(*) AS trips FROM reporting.v_trips WHERE started_at >= now() - interval '14 days' GROUP BY 1 ORDER BY "
      "1\", \"mark\": \"bar\", \"x\": \"day\", \"y\": \"trips\", \"title\": \"Trips per day\"}.",
      chart_input_schema(env.config),
      {{"readOnlyHint", true}, {"openWorldHint", false}},
      [&env](const json& arguments, CallContext& context) { return chart(env, arguments, context); }};
  // _meta.ui.resourceUri links the tool to its view (MCP Apps); the flat
  // "ui/resourceUri" key is what hosts built before that form still read.
  tool.meta = {{"ui", {{"resourceUri", kChartViewUri}}}, {"ui/resourceUri", kChartViewUri}};
  registry.add(std::move(tool));
}

}  // namespace fleetmcp::apps
