// Tests what the chart tool accepts to draw: the marks and their columns, and
// the Vega-Lite checks that keep the view from loading anything.
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "apps/chart_spec.h"
#include "tools/tool.h"

using namespace fleetmcp::apps;
using nlohmann::json;

namespace {

const std::vector<ResultColumn> daily_trips = {{"day", "date"}, {"trips", "int8"}, {"region", "text"}};

std::string refusal_of(const json& arguments) {
  try {
    read_chart_request(arguments);
  } catch (const fleetmcp::tools::ToolArgumentError& refused) {
    return refused.what();
  }
  return "";
}

std::string build_refusal(const json& arguments, const std::vector<ResultColumn>& columns) {
  try {
    build_chart_spec(read_chart_request(arguments), columns);
  } catch (const fleetmcp::tools::ToolArgumentError& refused) {
    return refused.what();
  }
  return "";
}

json with_spec(json spec) { return {{"sql", "SELECT 1"}, {"vega_lite", std::move(spec)}}; }

}  // namespace

TEST_CASE("a bar chart of dates keeps one band per day, in the query's order, as written") {
  json arguments = {{"sql", "…"}, {"mark", "bar"}, {"x", "day"}, {"y", "trips"}, {"title", "Trips per day"}};
  json spec = build_chart_spec(read_chart_request(arguments), daily_trips);
  CHECK(spec["mark"]["type"] == "bar");
  CHECK(spec["title"] == "Trips per day");
  CHECK(spec["encoding"]["x"]["field"] == "day");
  CHECK(spec["encoding"]["x"]["type"] == "ordinal");
  CHECK(spec["encoding"]["x"]["timeUnit"] == "utcyearmonthdate");
  CHECK(spec["encoding"]["y"] == json{{"field", "trips"}, {"type", "quantitative"}, {"title", "trips"}});
  CHECK_FALSE(spec.contains("data"));
}

TEST_CASE("a line chart of dates is temporal on a UTC scale, with a point per row and a series colour") {
  json spec = build_chart_spec(
      read_chart_request({{"mark", "line"}, {"x", "day"}, {"y", "trips"}, {"series", "region"}}), daily_trips);
  CHECK(spec["mark"]["point"] == true);
  CHECK(spec["encoding"]["x"]["type"] == "temporal");
  CHECK(spec["encoding"]["x"]["scale"]["type"] == "utc");
  CHECK(spec["encoding"]["color"]["field"] == "region");
}

TEST_CASE("scatter draws filled points; a text x is nominal in row order") {
  json spec = build_chart_spec(read_chart_request({{"mark", "scatter"}, {"x", "region"}, {"y", "trips"}}), daily_trips);
  CHECK(spec["mark"]["type"] == "point");
  CHECK(spec["encoding"]["x"]["type"] == "nominal");
  CHECK(spec["encoding"]["x"]["sort"].is_null());
}

TEST_CASE("a map takes the first geometry column and plots its points by longitude and latitude") {
  std::vector<ResultColumn> columns = {{"plate", "text"}, {"start_geom", "geometry"}};
  json spec = build_chart_spec(read_chart_request({{"mark", "map"}, {"series", "plate"}}), columns);
  CHECK(spec["projection"]["type"] == "mercator");
  CHECK(spec["transform"][1]["calculate"] == "datum[\"start_geom\"].coordinates[0]");
  CHECK(spec["encoding"]["longitude"]["field"] == "longitude");
  CHECK(spec["encoding"]["tooltip"] == json::array({{{"field", "plate"}, {"type", "nominal"}}}));
  CHECK(spec["encoding"]["color"]["field"] == "plate");
  CHECK(build_refusal({{"mark", "map"}}, daily_trips).find("no geometry or geography column") != std::string::npos);
  CHECK(build_refusal({{"mark", "map"}, {"geometry", "plate"}}, columns) ==
        "geometry: column \"plate\" is not a PostGIS geometry or geography");
}

TEST_CASE("what to draw must be said once, with a known mark and its axes") {
  CHECK(refusal_of({{"sql", "SELECT 1"}}).find("say what to draw") == 0);
  CHECK(refusal_of({{"mark", "pie"}, {"x", "a"}, {"y", "b"}}).find("mark: \"pie\" is not one of line, bar, area, scatter, map.") == 0);
  CHECK(refusal_of({{"mark", "lines"}, {"x", "a"}, {"y", "b"}}).find("Did you mean line?") != std::string::npos);
  CHECK(refusal_of({{"mark", "bar"}, {"x", "day"}}) ==
        "mark bar: x and y are required (the columns for the horizontal and vertical axes)");
  CHECK(refusal_of({{"mark", "bar"}, {"x", ""}, {"y", "trips"}}) == "x: expected a column name, got an empty string");
  CHECK(refusal_of({{"mark", "bar"}, {"vega_lite", {{"mark", "bar"}}}}) ==
        "give either mark (with x and y) or vega_lite, not both");
}

TEST_CASE("columns that are not in the result are named with the ones that are") {
  std::string refused = build_refusal({{"mark", "bar"}, {"x", "dy"}, {"y", "trips"}}, daily_trips);
  CHECK(refused.find("x: the query's result has no column \"dy\"; its columns are day, trips, region.") == 0);
  CHECK(refused.find("Did you mean day?") != std::string::npos);
  CHECK(build_refusal({{"mark", "bar"}, {"x", "day"}, {"y", "region"}}, daily_trips).find("y: column \"region\" is text") == 0);
}

TEST_CASE("a Vega-Lite spec is drawn with the rows as its data and its fields checked against the columns") {
  json spec = {{"mark", "bar"},
               {"transform", json::array({{{"calculate", "datum.trips * 2"}, {"as", "doubled"}}})},
               {"encoding", {{"x", {{"field", "day"}, {"type", "ordinal"}}}, {"y", {{"field", "doubled"}, {"type", "quantitative"}}}}}};
  json drawn = build_chart_spec(read_chart_request(with_spec(spec)), daily_trips);
  CHECK(drawn["width"] == "container");
  CHECK(drawn["encoding"]["y"]["field"] == "doubled");
  json misspelt = {{"mark", "line"}, {"layer", json::array({{{"encoding", {{"x", {{"field", "dya"}}}}}}})}};
  CHECK(build_refusal(with_spec(misspelt), daily_trips).find("vega_lite.layer[0].encoding.x.field: the query's result has no column \"dya\"") == 0);
}

TEST_CASE("a Vega-Lite spec that would load anything is refused, naming where") {
  CHECK(refusal_of(with_spec({{"mark", "bar"}, {"data", {{"url", "https://example.com/x.csv"}}}})).find("vega_lite.data.url: the chart view loads nothing") == 0);
  CHECK(refusal_of(with_spec({{"layer", json::array({{{"data", {{"url", "data/cars.json"}}}, {"mark", "point"}}})}})).find("vega_lite.layer[0].data.url:") == 0);
  CHECK(refusal_of(with_spec({{"mark", "bar"}, {"data", {{"values", json::array({1, 2})}}}})).find("vega_lite.data.values: inline data is not drawn") == 0);
  CHECK(refusal_of(with_spec({{"mark", "bar"}, {"data", {{"name", "table"}}}})).find("vega_lite.data: leave data out") == 0);
  CHECK(refusal_of(with_spec({{"mark", "bar"}, {"datasets", {{"a", json::array()}}}})).find("vega_lite.datasets:") == 0);
  CHECK(refusal_of(with_spec({{"mark", "image"}})).find("vega_lite.mark: image marks") == 0);
  CHECK(refusal_of(with_spec({{"mark", {{"type", "image"}}}})).find("vega_lite.mark: image marks") == 0);
  CHECK(refusal_of(with_spec({{"mark", "point"}, {"encoding", {{"href", {{"field", "link"}}}}}})).find("vega_lite.encoding.href:") == 0);
  CHECK(refusal_of(with_spec({{"mark", "point"}, {"encoding", {{"url", {{"field", "link"}}}}}})).find("vega_lite.encoding.url:") == 0);
  CHECK(refusal_of(with_spec({{"$schema", "https://vega.github.io/schema/vega/v5.json"}, {"marks", json::array()}})).find("vega_lite.$schema: only Vega-Lite") == 0);
  CHECK(refusal_of(with_spec(json::array())).find("vega_lite: expected a Vega-Lite spec") == 0);
}

TEST_CASE("generators may stand in a layer, a Vega-Lite $schema is accepted and dropped") {
  json spec = {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
               {"layer", json::array({{{"data", {{"graticule", true}}}, {"mark", "geoshape"}},
                                      {{"mark", "point"}, {"encoding", {{"x", {{"field", "day"}}}}}}})}};
  json drawn = build_chart_spec(read_chart_request(with_spec(spec)), daily_trips);
  CHECK_FALSE(drawn.contains("$schema"));
}

TEST_CASE("a spec nested past any real chart is refused, not walked without end") {
  json deep = {{"mark", "bar"}};
  for (int i = 0; i < 60; ++i) deep = {{"layer", json::array({deep})}};
  CHECK(refusal_of(with_spec(deep)).find("nested too deeply") != std::string::npos);
}
