// The few lines the model reads about a drawn chart: what was drawn, from how
// many rows, the x and y ranges and the series, and what to do when the rows
// were cut or missing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "apps/chart_spec.h"

namespace fleetmcp::apps {

// `answer` is the query tool's answer ({columns, rows, row_count, truncated,
// truncated_reason, …}); `spec` the Vega-Lite spec drawn.
std::string chart_summary(const ChartRequest& request, const nlohmann::json& spec, const nlohmann::json& answer);

}  // namespace fleetmcp::apps
