// What the chart tool draws: read from its arguments (a few named marks, or a
// Vega-Lite spec checked so that the view never loads anything), then made
// into the one Vega-Lite spec the view renders with the query's rows.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::apps {

// A column of the query's answer, as the query tool reports it.
struct ResultColumn {
  std::string name;
  std::string type;  // PostgreSQL type name: int8, numeric, date, timestamptz, geometry…
};

struct ChartRequest {
  std::string title;
  nlohmann::json vega_lite;  // the analyst's spec; null when a mark is named
  std::string mark;          // line | bar | area | scatter | map; empty with vega_lite
  std::string x, y, series, geometry;
};

inline constexpr const char* kChartMarks[] = {"line", "bar", "area", "scatter", "map"};

// Reads title, mark, x, y, series, geometry and vega_lite. Throws
// tools::ToolArgumentError naming the argument (and, for vega_lite, the path
// inside it) for anything the view could not draw safely: data URLs or
// inline data (the rows are the data), image marks, links, a full Vega spec.
ChartRequest read_chart_request(const nlohmann::json& arguments);

// Throws tools::ToolArgumentError for a vega_lite spec the view must not run;
// `where` names it in the message (e.g. "vega_lite").
void check_vega_lite(const nlohmann::json& spec, const std::string& where);

// The Vega-Lite spec to draw, without data (the view supplies the rows).
// Throws tools::ToolArgumentError when x, y, series, geometry or an encoding
// field names no column of the result (the message lists the columns).
nlohmann::json build_chart_spec(const ChartRequest& request, const std::vector<ResultColumn>& columns);

// The columns named in the query tool's answer ({"columns":[{name,type}],…}).
std::vector<ResultColumn> result_columns(const nlohmann::json& answer);

}  // namespace fleetmcp::apps
