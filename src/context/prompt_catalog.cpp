#include "context/prompt_catalog.h"

#include "context/prompt_arguments.h"

namespace fleetmcp::context {
namespace {

std::string value_or(const PromptValues& values, const std::string& name, const std::string& fallback) {
  auto it = values.find(name);
  return it == values.end() ? fallback : it->second;
}

const std::string* value_of(const PromptValues& values, const std::string& name) {
  auto it = values.find(name);
  return it == values.end() ? nullptr : &it->second;
}

// A local midnight in the business zone, as the timestamptz the data is stored in.
std::string local_midnight(const std::string& date_literal) {
  return "(" + date_literal + "::timestamp AT TIME ZONE '" + kBusinessZone + "')";
}

std::string message(const std::string& question, const std::string& guidance, const std::string& sql,
                    const std::string& answer_as) {
  return question + "\n\n" + guidance +
         "\n\nStart from this read-only query (run it with the query tool; adjust it if the analyst asks for more):"
         "\n\n```sql\n" +
         sql + "\n```\n\n" + answer_as +
         "\nAll times are Africa/Nairobi business days (UTC+3): a day runs from local midnight to midnight, so "
         "filter timestamptz columns on local midnights, never on UTC dates.";
}

std::string top_cost_centres(const PromptValues& values) {
  const std::string since = sql_literal(checked_date("since", values.at("since")));
  const std::string until = sql_literal(checked_date("until", values.at("until")));
  const int limit = checked_limit("limit", value_or(values, "limit", "10"));
  const std::string sql = "SELECT cost_centre, round(sum(distance_km), 1) AS distance_km, sum(trips) AS trips,\n"
                          "       count(DISTINCT device_id) AS vehicles\n"
                          "FROM reporting.v_daily_summary\n"
                          "WHERE day BETWEEN DATE " + since + " AND DATE " + until + "\n"
                          "GROUP BY cost_centre\n"
                          "ORDER BY distance_km DESC\n"
                          "LIMIT " + std::to_string(limit);
  return message(
      "Which " + std::to_string(limit) + " cost centres drove the most kilometres from " + values.at("since") +
          " to " + values.at("until") + " (both days included)?",
      "Use reporting.v_daily_summary: one row per vehicle and Africa/Nairobi calendar day (column day) with "
      "cost_centre, region, trips and distance_km. It is built on the materialized view reporting.v_trips, "
      "refreshed nightly: check reporting.refresh_log (view_name, finished_at, ok) if the last day looks short. "
      "For trips between two instants use reporting.fn_trips_between(since, until) instead.",
      sql, "Answer with a ranked table: cost centre, km, trips, vehicles; say which days the figures cover.");
}

std::string open_incidents(const PromptValues& values) {
  std::string filters;
  if (const auto* region = value_of(values, "region"))
    filters += std::string(filters.empty() ? "WHERE " : "  AND ") + "region = " +
               sql_literal(checked_text("region", *region)) + "\n";
  if (const auto* cluster = value_of(values, "cluster"))
    filters += std::string(filters.empty() ? "WHERE " : "  AND ") + "cluster_id = " +
               sql_literal(checked_text("cluster", *cluster)) + "\n";
  if (const auto* priority = value_of(values, "priority")) {
    if (*priority != "P1" && *priority != "P2" && *priority != "P3" && *priority != "P4")
      throw PromptArgumentError("argument 'priority': expected one of P1, P2, P3, P4, got \"" +
                                checked_text("priority", *priority) + "\"");
    filters += std::string(filters.empty() ? "WHERE " : "  AND ") + "priority = " + sql_literal(*priority) + "\n";
  }
  const std::string sql =
      "SELECT region,\n"
      "       CASE WHEN breached_now THEN 'breached'\n"
      "            WHEN time_left < interval '2 hours' THEN 'due within 2 hours'\n"
      "            ELSE 'within SLA' END AS sla_status,\n"
      "       count(*) AS open_incidents,\n"
      "       count(*) FILTER (WHERE priority = 'P1') AS p1_open,\n"
      "       min(sla_due_at) AS next_due\n"
      "FROM tickets.inc_open_sla\n" +
      filters +
      "GROUP BY 1, 2\n"
      "ORDER BY 1, 2";
  return message(
      "How many INC tickets are open, by region and SLA status?",
      "Use tickets.inc_open_sla: the open incidents (status Assigned, In Progress or Pending) with region, "
      "cluster_id, priority, sla_due_at, time_left (negative when overdue) and breached_now, measured against now(). "
      "tickets.fn_open_by_region() gives the per-region totals (open_incidents, breached, p1_open) in one call; "
      "tickets.inc holds every ticket, closed ones too (sla_breached is fixed at resolution).",
      sql, "Answer with one row per region and SLA status, breached first when you summarise.");
}

std::string mttr_by_cluster(const PromptValues& values) {
  const std::string month_start = sql_literal(checked_month("month", values.at("month")));
  std::string filter;
  if (const auto* region = value_of(values, "region"))
    filter = "  AND c.region = " + sql_literal(checked_text("region", *region)) + "\n";
  const std::string start = local_midnight("DATE " + month_start);
  const std::string end = local_midnight("(DATE " + month_start + " + interval '1 month')");
  const std::string sql =
      "SELECT c.cluster_id, c.name AS cluster, c.region, count(*) AS resolved_incidents,\n"
      "       round(extract(epoch FROM avg(i.resolved_at - i.opened_at)) / 3600, 1) AS mttr_hours,\n"
      "       count(*) FILTER (WHERE i.sla_breached) AS sla_breached\n"
      "FROM tickets.inc i\n"
      "JOIN tickets.geo_clusters c USING (cluster_id)\n"
      "WHERE i.resolved_at >= " + start + "\n"
      "  AND i.resolved_at < " + end + "\n" + filter +
      "GROUP BY c.cluster_id, c.name, c.region\n"
      "ORDER BY mttr_hours DESC";
  return message(
      "What was the mean time to resolve (MTTR) incidents in each cluster in " + values.at("month") + "?",
      "Use tickets.inc (opened_at, resolved_at, cluster_id, sla_breached; resolved_at is NULL while a ticket is "
      "open) joined to tickets.geo_clusters (cluster_id, name, region). MTTR is the mean of resolved_at - opened_at "
      "over the incidents resolved in the month; count a ticket in the month it was resolved. sla_paused is the "
      "time the clock was stopped, if the analyst wants MTTR net of customer waits.",
      sql, "Answer with one row per cluster: MTTR in hours, resolved incidents and how many breached the SLA.");
}

std::string fuel_cost_per_km(const PromptValues& values) {
  const std::string from = checked_month("from_month", values.at("from_month"));
  const std::string to = checked_month("to_month", value_or(values, "to_month", values.at("from_month")));
  if (to < from)
    throw PromptArgumentError("argument 'to_month': must not be before from_month (" + values.at("from_month") + ")");
  std::string filter;
  if (const auto* cost_centre = value_of(values, "cost_centre"))
    filter = "  AND cost_centre = " + sql_literal(checked_text("cost_centre", *cost_centre)) + "\n";
  const std::string sql =
      "SELECT month, cost_centre, distance_km, fuel_litres, fuel_cost_kes, cost_per_km_kes\n"
      "FROM reporting.v_monthly_cost_centre\n"
      "WHERE month BETWEEN DATE " + sql_literal(from) + " AND DATE " + sql_literal(to) + "\n" + filter +
      "ORDER BY month, cost_per_km_kes DESC NULLS LAST";
  return message(
      "What did fuel cost per kilometre in each cost centre, month by month, from " + values.at("from_month") +
          " to " + value_or(values, "to_month", values.at("from_month")) + "?",
      "Use reporting.v_monthly_cost_centre: one row per cost centre and Africa/Nairobi calendar month (month is "
      "its first day) with distance_km, fuel_litres, fuel_cost_kes (Kenya shillings) and cost_per_km_kes (NULL "
      "when nothing was driven). For one month, reporting.fn_cost_centre_month('YYYY-MM-01') returns the same "
      "rows; fuel.fn_monthly_by_cost_centre(month) has the fuel side alone from fuel.records.",
      sql, "Answer with a table per month and say which cost centres have fuel but no kilometres.");
}

std::string harsh_braking(const PromptValues& values) {
  const std::string week = sql_literal(checked_date("week_start", values.at("week_start")));
  const int limit = checked_limit("limit", value_or(values, "limit", "10"));
  const std::string sql =
      "SELECT e.device_id, d.plate, d.cost_centre, d.region, count(*) AS harsh_braking_events,\n"
      "       max(e.speed) AS top_speed_kmh\n"
      "FROM tracksolid.events e\n"
      "JOIN tracksolid.devices d USING (device_id)\n"
      "WHERE e.event_type = 'harsh_braking'\n"
      "  AND e.ts >= " + local_midnight("DATE " + week) + "\n"
      "  AND e.ts < " + local_midnight("(DATE " + week + " + 7)") + "\n"
      "GROUP BY e.device_id, d.plate, d.cost_centre, d.region\n"
      "ORDER BY harsh_braking_events DESC, e.device_id\n"
      "LIMIT " + std::to_string(limit);
  return message(
      "Which " + std::to_string(limit) + " vehicles braked harshly most often in the week starting " +
          values.at("week_start") + "?",
      "Use tracksolid.events (device_id, ts, event_type, speed; event_type is one of ignition_on, ignition_off, "
      "overspeed, harsh_braking) joined to tracksolid.devices (plate, cost_centre, region). Filter ts on the index "
      "(device_id, ts) with local midnights. reporting.v_daily_summary.harsh_braking_events has the same counts per "
      "vehicle and day, but only for days with a trip; reporting.fn_top_speeders(since, until, n) is the overspeed "
      "counterpart.",
      sql, "Answer with a ranked table: plate, cost centre, region, events.");
}

}  // namespace

const std::vector<Prompt>& standard_prompts() {
  static const std::vector<Prompt> prompts = {
      {"top_cost_centres_by_distance",
       "Top cost centres by distance",
       "The cost centres whose vehicles drove the most kilometres over a period of Africa/Nairobi days.",
       {{"since", "First day, YYYY-MM-DD (Africa/Nairobi), e.g. 2026-10-01", true, ValueSource::none},
        {"until", "Last day, included, YYYY-MM-DD, e.g. 2026-10-31", true, ValueSource::none},
        {"limit", "How many cost centres, 1 to 100 (default 10)", false, ValueSource::none}},
       top_cost_centres},
      {"open_incidents_by_region_sla",
       "Open INC tickets by region and SLA status",
       "Open incident tickets counted by region and SLA status (breached, due within 2 hours, within SLA).",
       {{"region", "Only this region, e.g. Westlands", false, ValueSource::region},
        {"cluster", "Only this cluster id, e.g. NRB-WL-1", false, ValueSource::cluster},
        {"priority", "Only this priority: P1, P2, P3 or P4", false, ValueSource::priority}},
       open_incidents},
      {"mttr_by_cluster",
       "MTTR by cluster for a month",
       "Mean time to resolve incidents per maintenance cluster for one calendar month.",
       {{"month", "The month, YYYY-MM, e.g. 2026-10", true, ValueSource::none},
        {"region", "Only clusters of this region, e.g. Thika", false, ValueSource::region}},
       mttr_by_cluster},
      {"fuel_cost_per_km_by_cost_centre",
       "Fuel cost per km by cost centre",
       "Fuel cost per kilometre (KES) for each cost centre, month by month.",
       {{"from_month", "First month, YYYY-MM, e.g. 2026-09", true, ValueSource::none},
        {"to_month", "Last month, included, YYYY-MM (default from_month)", false, ValueSource::none},
        {"cost_centre", "Only this cost centre, e.g. CC-120 Fibre Rollout", false, ValueSource::cost_centre}},
       fuel_cost_per_km},
      {"harsh_braking_leaders",
       "Harsh braking leaders for a week",
       "The vehicles with the most harsh-braking alarms in the seven Africa/Nairobi days from week_start.",
       {{"week_start", "First day of the week, YYYY-MM-DD, e.g. 2026-10-19", true, ValueSource::none},
        {"limit", "How many vehicles, 1 to 100 (default 10)", false, ValueSource::none}},
       harsh_braking},
  };
  return prompts;
}

const Prompt* find_prompt(const std::string& name) {
  for (const auto& prompt : standard_prompts())
    if (prompt.name == name) return &prompt;
  return nullptr;
}

std::string query_of(const std::string& prompt_text) {
  const std::string opening = "```sql\n";
  const std::size_t start = prompt_text.find(opening);
  if (start == std::string::npos) return {};
  const std::size_t end = prompt_text.find("\n```", start + opening.size());
  if (end == std::string::npos) return {};
  return prompt_text.substr(start + opening.size(), end - start - opening.size());
}

}  // namespace fleetmcp::context
