#include "apps/chart_spec.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "tools/arguments.h"
#include "tools/suggestions.h"
#include "tools/tool.h"

namespace fleetmcp::apps {
namespace {

using nlohmann::json;
using tools::ToolArgumentError;

// Deep enough for any real chart (layers of encodings of conditions), shallow
// enough that the walk cannot exhaust the stack.
constexpr int kDeepestSpec = 48;
constexpr std::size_t kLargestSpecBytes = 64 * 1024;
constexpr const char* kDataGenerators[] = {"sequence", "sphere", "graticule"};

bool is_one_of(std::string_view value, std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), value) != options.end();
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) { throw ToolArgumentError(path + ": " + why); }

void check_data(const json& data, const std::string& path) {
  if (!data.is_object()) refuse(path, "expected an object; better, leave data out: the rows of sql are the chart's data");
  if (data.contains("url"))
    refuse(path + ".url", "the chart view loads nothing from the network or from files; remove data, the rows of "
                          "sql are the chart's data");
  if (data.contains("values"))
    refuse(path + ".values", "inline data is not drawn; put the values in sql (e.g. a VALUES list) and remove data");
  for (const char* generator : kDataGenerators)
    if (data.contains(generator)) return;
  refuse(path, "leave data out: the rows of sql are the chart's data (only the generators sequence, sphere and "
               "graticule may appear in a layer)");
}

bool is_image_mark(const json& mark) {
  if (mark.is_string()) return mark.get<std::string_view>() == "image";
  if (mark.is_object()) {
    auto type = mark.find("type");
    return type != mark.end() && type->is_string() && type->get<std::string_view>() == "image";
  }
  return false;
}

void walk(const json& node, const std::string& path, int depth) {
  if (depth > kDeepestSpec) refuse(path, "nested too deeply (more than " + std::to_string(kDeepestSpec) + " levels)");
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], path + "[" + std::to_string(i) + "]", depth + 1);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    const std::string at = path + "." + key;
    if (key == "data") check_data(value, at);
    else if (key == "datasets") refuse(at, "named inline data is not drawn; the rows of sql are the chart's data");
    else if (key == "url" || key == "href")
      refuse(at, "the chart view opens and loads nothing (no images, links or files); remove " + key);
    else if (key == "mark" && is_image_mark(value)) refuse(at, "image marks load pictures from URLs; use another mark");
    walk(value, at, depth + 1);
  }
}

std::string optional_name(const json& arguments, const char* name) {
  auto value = tools::optional_string(arguments, name);
  if (value && value->empty()) throw ToolArgumentError(std::string(name) + ": expected a column name, got an empty string");
  return value.value_or("");
}

bool is_numeric_type(std::string_view type) {
  return is_one_of(type, {"int2", "int4", "int8", "float4", "float8", "numeric", "oid"});
}
bool is_time_type(std::string_view type) { return is_one_of(type, {"date", "timestamp", "timestamptz"}); }
bool is_geometry_type(std::string_view type) { return is_one_of(type, {"geometry", "geography"}); }

std::vector<std::string> column_names(const std::vector<ResultColumn>& columns) {
  std::vector<std::string> names;
  for (const auto& column : columns) names.push_back(column.name);
  return names;
}

std::string column_list(const std::vector<ResultColumn>& columns) {
  std::string text;
  for (const auto& name : column_names(columns)) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "(none)" : text;
}

std::string did_you_mean(const std::string& wanted, const std::vector<std::string>& candidates) {
  auto close = tools::close_matches(wanted, candidates);
  return close.empty() ? "" : " Did you mean " + tools::one_of(close) + "?";
}

const ResultColumn& column_named(const std::vector<ResultColumn>& columns, const std::string& argument,
                                 const std::string& name) {
  for (const auto& column : columns)
    if (column.name == name) return column;
  throw ToolArgumentError(argument + ": the query's result has no column \"" + name + "\"; its columns are " +
                          column_list(columns) + "." + did_you_mean(name, column_names(columns)) +
                          " Name one of them, or alias the expression in sql (… AS " + name + ").");
}

// {"field": "a b"} names the column "a b"; a dot or bracket reaches inside a
// JSON value, so the column is what comes before it.
std::string column_of_field(const std::string& field) {
  const std::size_t cut = field.find_first_of(".[");
  return cut == std::string::npos ? field : field.substr(0, cut);
}

void collect_names(const json& node, std::set<std::string>& made, std::vector<std::pair<std::string, std::string>>& used,
                   const std::string& path) {
  if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) collect_names(node[i], made, used, path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!node.is_object()) return;
  for (const auto& [key, value] : node.items()) {
    const std::string at = path + "." + key;
    if (key == "as") {
      if (value.is_string()) made.insert(value.get<std::string>());
      if (value.is_array())
        for (const auto& name : value)
          if (name.is_string()) made.insert(name.get<std::string>());
    } else if (key == "field" && value.is_string() && path.find(".encoding") != std::string::npos) {
      used.emplace_back(at, value.get<std::string>());
    } else if (key == "name" && value.is_string() && path.find(".params") != std::string::npos) {
      made.insert(value.get<std::string>());
    }
    collect_names(value, made, used, at);
  }
}

// Encodings may only name the result's columns or names the spec makes itself
// (transforms' "as", params); a misspelt field would draw an empty chart.
void check_fields(const json& spec, const std::vector<ResultColumn>& columns) {
  std::set<std::string> known;
  for (const auto& column : columns) known.insert(column.name);
  std::vector<std::pair<std::string, std::string>> used;
  collect_names(spec, known, used, "vega_lite");
  for (const auto& [path, field] : used) {
    if (field.find('\\') != std::string::npos) continue;  // escaped dots: the spec knows what it means
    if (!known.count(column_of_field(field))) column_named(columns, path, column_of_field(field));
  }
}

json axis_encoding(const ResultColumn& column, bool banded) {
  json channel = {{"field", column.name}, {"title", column.name}};
  if (is_time_type(column.type)) {
    if (banded) {
      channel["type"] = "ordinal";
      channel["timeUnit"] = column.type == "date" ? "utcyearmonthdate" : "utcyearmonthdatehoursminutes";
    } else {
      channel["type"] = "temporal";
      // A date is a calendar day, not an instant: read and show it as written.
      if (column.type == "date") channel["scale"] = {{"type", "utc"}};
    }
  } else if (is_numeric_type(column.type) && !banded) {
    channel["type"] = "quantitative";
  } else {
    channel["type"] = "nominal";
    channel["sort"] = nullptr;  // the order of the rows, i.e. the query's ORDER BY
  }
  return channel;
}

std::string datum(const std::string& column) { return "datum[" + json(column).dump() + "]"; }

json tooltip_of(const std::vector<ResultColumn>& columns) {
  json fields = json::array();
  for (const auto& column : columns) {
    if (is_geometry_type(column.type)) continue;
    fields.push_back({{"field", column.name},
                      {"type", is_numeric_type(column.type) ? "quantitative" : "nominal"}});
  }
  return fields;
}

json map_spec(const ChartRequest& request, const std::vector<ResultColumn>& columns) {
  std::string geometry = request.geometry;
  if (geometry.empty()) {
    for (const auto& column : columns)
      if (is_geometry_type(column.type)) {
        geometry = column.name;
        break;
      }
    if (geometry.empty())
      throw ToolArgumentError("mark map: the query's result has no geometry or geography column (its columns are " +
                              column_list(columns) + "); select one, e.g. p.geom, or name it with geometry");
  } else if (!is_geometry_type(column_named(columns, "geometry", geometry).type)) {
    throw ToolArgumentError("geometry: column \"" + geometry + "\" is not a PostGIS geometry or geography");
  }
  const std::string point = datum(geometry);
  json spec = {{"width", "container"},
               {"height", 400},
               {"projection", {{"type", "mercator"}}},
               {"transform",
                json::array({{{"filter", "isObject(" + point + ") && " + point + ".type === 'Point'"}},
                             {{"calculate", point + ".coordinates[0]"}, {"as", "longitude"}},
                             {{"calculate", point + ".coordinates[1]"}, {"as", "latitude"}}})},
               {"mark", {{"type", "circle"}, {"size", 40}, {"opacity", 0.8}}},
               {"encoding",
                {{"longitude", {{"field", "longitude"}, {"type", "quantitative"}}},
                 {"latitude", {{"field", "latitude"}, {"type", "quantitative"}}},
                 {"tooltip", tooltip_of(columns)}}}};
  if (!request.series.empty())
    spec["encoding"]["color"] = {{"field", column_named(columns, "series", request.series).name}, {"type", "nominal"}};
  return spec;
}

json mark_spec(const ChartRequest& request, const std::vector<ResultColumn>& columns) {
  if (request.mark == "map") return map_spec(request, columns);
  const bool banded = request.mark == "bar";
  const ResultColumn& x = column_named(columns, "x", request.x);
  const ResultColumn& y = column_named(columns, "y", request.y);
  json mark = {{"type", request.mark == "scatter" ? "point" : request.mark}, {"tooltip", true}};
  if (request.mark == "line") mark["point"] = true;
  if (request.mark == "scatter") mark["filled"] = true;
  json encoding = {{"x", axis_encoding(x, banded)}, {"y", {{"field", y.name}, {"type", "quantitative"}, {"title", y.name}}}};
  if (!is_numeric_type(y.type))
    throw ToolArgumentError("y: column \"" + y.name + "\" is " + y.type +
                            ", not a number; y needs a count, sum or other number (cast it in sql, e.g. " + y.name +
                            "::numeric)");
  if (!request.series.empty()) {
    const ResultColumn& series = column_named(columns, "series", request.series);
    encoding["color"] = {{"field", series.name}, {"type", "nominal"}, {"title", series.name}};
  }
  return {{"width", "container"}, {"height", 300}, {"mark", mark}, {"encoding", encoding}};
}

}  // namespace

void check_vega_lite(const json& spec, const std::string& where) {
  if (!spec.is_object()) throw ToolArgumentError(where + ": expected a Vega-Lite spec (an object with mark and encoding)");
  if (spec.dump().size() > kLargestSpecBytes)
    refuse(where, "larger than " + std::to_string(kLargestSpecBytes / 1024) + " KiB; a chart spec needs far less");
  if (auto schema = spec.find("$schema"); schema != spec.end()) {
    if (!schema->is_string() || schema->get<std::string>().find("vega-lite") == std::string::npos)
      refuse(where + ".$schema", "only Vega-Lite specs are drawn (not full Vega); remove $schema or name a Vega-Lite one");
  }
  walk(spec, where, 0);
}

ChartRequest read_chart_request(const json& arguments) {
  ChartRequest request;
  request.title = tools::optional_string(arguments, "title").value_or("");
  request.mark = tools::optional_string(arguments, "mark").value_or("");
  request.x = optional_name(arguments, "x");
  request.y = optional_name(arguments, "y");
  request.series = optional_name(arguments, "series");
  request.geometry = optional_name(arguments, "geometry");
  if (auto spec = arguments.find("vega_lite"); spec != arguments.end() && !spec->is_null()) request.vega_lite = *spec;

  const bool has_spec = !request.vega_lite.is_null();
  if (has_spec && !request.mark.empty())
    throw ToolArgumentError("give either mark (with x and y) or vega_lite, not both");
  if (has_spec) {
    check_vega_lite(request.vega_lite, "vega_lite");
    return request;
  }
  if (request.mark.empty())
    throw ToolArgumentError("say what to draw: mark (line, bar, area, scatter or map) with x and y, or a vega_lite spec");
  const bool known = std::any_of(std::begin(kChartMarks), std::end(kChartMarks),
                                 [&](const char* mark) { return request.mark == mark; });
  if (!known)
    throw ToolArgumentError("mark: \"" + request.mark + "\" is not one of line, bar, area, scatter, map." +
                            did_you_mean(request.mark, {"line", "bar", "area", "scatter", "map"}));
  if (request.mark != "map" && (request.x.empty() || request.y.empty()))
    throw ToolArgumentError("mark " + request.mark + ": x and y are required (the columns for the horizontal and "
                            "vertical axes)");
  return request;
}

json build_chart_spec(const ChartRequest& request, const std::vector<ResultColumn>& columns) {
  json spec;
  if (!request.vega_lite.is_null()) {
    check_fields(request.vega_lite, columns);
    spec = request.vega_lite;
    spec.erase("$schema");
    if (!spec.contains("width")) spec["width"] = "container";
  } else {
    spec = mark_spec(request, columns);
  }
  if (!request.title.empty()) spec["title"] = request.title;
  return spec;
}

std::vector<ResultColumn> result_columns(const json& answer) {
  std::vector<ResultColumn> columns;
  for (const auto& column : answer.value("columns", json::array()))
    columns.push_back({column.value("name", ""), column.value("type", "")});
  return columns;
}

}  // namespace fleetmcp::apps
