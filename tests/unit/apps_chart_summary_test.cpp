// Tests the summary the model reads about a drawn chart.
#include <string>

#include <doctest/doctest.h>

#include "apps/chart_summary.h"

using namespace fleetmcp::apps;
using nlohmann::json;

namespace {

json answer_of(json rows, bool truncated = false) {
  return {{"columns", json::array({{{"name", "day"}, {"type", "date"}},
                                   {{"name", "trips"}, {"type", "numeric"}},
                                   {{"name", "region"}, {"type", "text"}}})},
          {"rows", std::move(rows)},
          {"truncated", truncated},
          {"truncated_reason", truncated ? "rows" : ""},
          {"time_zone", "Africa/Nairobi"}};
}

ChartRequest bar(std::string series = "") {
  ChartRequest request;
  request.mark = "bar";
  request.x = "day";
  request.y = "trips";
  request.series = std::move(series);
  request.title = "Trips per day";
  return request;
}

}  // namespace

TEST_CASE("the summary names the mark, the rows, the x and y ranges (exact numerics as numbers) and the series") {
  json rows = json::array({{"2026-10-19", "12", "Nairobi"}, {"2026-10-18", "7.5", "Mombasa"}, {"2026-10-31", "30", "Nairobi"}});
  CHECK(chart_summary(bar("region"), json::object(), answer_of(rows)) ==
        "Drew a bar chart \"Trips per day\" from 3 rows; x day: 2026-10-18 to 2026-10-31; y trips: 7.5 to 30; "
        "region: 2 series (Mombasa, Nairobi).");
}

TEST_CASE("no rows: the summary says the chart is empty and how to look") {
  std::string text = chart_summary(bar(), json::object(), answer_of(json::array()));
  CHECK(text.find("from 0 rows: the query returned no rows, so the chart is empty.") != std::string::npos);
  CHECK(text.find("time zone Africa/Nairobi") != std::string::npos);
}

TEST_CASE("cut rows: the summary says only the first rows are drawn and to aggregate") {
  std::string text = chart_summary(bar(), json::object(), answer_of(json::array({{"2026-10-18", 1, "x"}}), true));
  CHECK(text.find("The query stopped at the rows cap, so only the first 1 rows are drawn: aggregate in sql") !=
        std::string::npos);
}

TEST_CASE("a Vega-Lite chart is summarised from its encodings, nulls skipped") {
  ChartRequest request;
  json spec = {{"mark", {{"type", "area"}}},
               {"encoding", {{"x", {{"field", "day"}}}, {"y", {{"field", "trips"}}}, {"color", {{"field", "region"}}}}}};
  json rows = json::array({{"2026-10-18", nullptr, nullptr}, {"2026-10-20", 4, "Kisumu"}});
  CHECK(chart_summary(request, spec, answer_of(rows)) ==
        "Drew an area chart (Vega-Lite) from 2 rows; x day: 2026-10-18 to 2026-10-20; y trips: 4 to 4; region: 2 "
        "series (Kisumu, null).");
}
