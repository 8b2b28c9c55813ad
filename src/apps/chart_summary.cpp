#include "apps/chart_summary.h"

#include <cmath>
#include <optional>
#include <set>

namespace fleetmcp::apps {
namespace {

using nlohmann::json;

constexpr std::size_t kSeriesNamed = 8;

std::optional<std::size_t> column_index(const json& answer, const std::string& name) {
  const json& columns = answer.at("columns");
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].value("name", "") == name) return i;
  return std::nullopt;
}

std::string number_text(double number) {
  constexpr double kExactIntegers = 9007199254740992.0;  // 2^53
  if (std::floor(number) == number && std::fabs(number) < kExactIntegers)
    return std::to_string(static_cast<long long>(number));
  return json(number).dump();
}

std::string shown(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// Numbers compare as numbers (exact numerics arrive as strings), anything
// else as text, which orders ISO dates and timestamps correctly.
std::string value_range(const json& rows, std::size_t column) {
  std::optional<double> low, high;
  std::optional<std::string> first, last;
  bool numeric = true;
  for (const auto& row : rows) {
    const json& value = row.at(column);
    if (value.is_null() || value.is_object() || value.is_array()) continue;
    const std::string text = shown(value);
    if (!first || text < *first) first = text;
    if (!last || text > *last) last = text;
    if (!numeric) continue;
    double number = 0;
    if (value.is_number()) {
      number = value.get<double>();
    } else {
      try {
        std::size_t used = 0;
        number = std::stod(text, &used);
        if (used != text.size()) numeric = false;
      } catch (const std::exception&) {
        numeric = false;
      }
    }
    if (!low || number < *low) low = number;
    if (!high || number > *high) high = number;
  }
  if (!first) return "no values";
  if (numeric && low) return number_text(*low) + " to " + number_text(*high);
  return *first + " to " + *last;
}

std::string series_text(const json& rows, std::size_t column) {
  std::set<std::string> names;
  for (const auto& row : rows) names.insert(row.at(column).is_null() ? "null" : shown(row.at(column)));
  std::string text = std::to_string(names.size()) + " series (";
  std::size_t listed = 0;
  for (const auto& name : names) {
    if (listed == kSeriesNamed) {
      text += ", …";
      break;
    }
    text += (listed++ ? ", " : "") + name;
  }
  return text + ")";
}

// The field an encoding channel of the drawn spec names, if any.
std::string encoded_field(const json& spec, const char* channel) {
  const json encoding = spec.value("encoding", json::object());
  if (!encoding.is_object()) return "";
  const json entry = encoding.value(channel, json::object());
  return entry.is_object() && entry.contains("field") && entry["field"].is_string() ? entry["field"].get<std::string>()
                                                                                     : "";
}

std::string described_mark(const ChartRequest& request, const json& spec) {
  if (!request.mark.empty()) return request.mark == "map" ? "map of points" : request.mark + " chart";
  const json mark = spec.value("mark", json());
  if (mark.is_string()) return mark.get<std::string>() + " chart (Vega-Lite)";
  if (mark.is_object() && mark.contains("type") && mark["type"].is_string())
    return mark["type"].get<std::string>() + " chart (Vega-Lite)";
  return "Vega-Lite chart";
}

}  // namespace

std::string chart_summary(const ChartRequest& request, const json& spec, const json& answer) {
  const json& rows = answer.at("rows");
  const std::size_t row_count = rows.size();
  const std::string mark = described_mark(request, spec);
  std::string text = std::string(mark.find_first_of("aeiou") == 0 ? "Drew an " : "Drew a ") + mark;
  if (!request.title.empty()) text += " \"" + request.title + "\"";
  text += " from " + std::to_string(row_count) + (row_count == 1 ? " row" : " rows");
  if (row_count == 0) {
    text += ": the query returned no rows, so the chart is empty. Check its filters (the time range is counted in the "
            "time zone " +
            answer.value("time_zone", std::string("of the session")) + ") and run it with query to see what it returns.";
    if (auto hint = answer.find("hint"); hint != answer.end() && hint->is_string()) text += " " + hint->get<std::string>();
    return text;
  }

  const auto describe_axis = [&](const char* label, const std::string& field) {
    if (field.empty()) return;
    if (auto index = column_index(answer, field)) text += "; " + std::string(label) + " " + field + ": " + value_range(rows, *index);
  };
  describe_axis("x", request.mark.empty() ? encoded_field(spec, "x") : request.x);
  describe_axis("y", request.mark.empty() ? encoded_field(spec, "y") : request.y);
  const std::string series = request.mark.empty() ? encoded_field(spec, "color") : request.series;
  if (!series.empty()) {
    if (auto index = column_index(answer, series)) text += "; " + series + ": " + series_text(rows, *index);
  }
  text += ".";
  if (answer.value("truncated", false)) {
    text += " The query stopped at the " + answer.value("truncated_reason", std::string("row")) +
            " cap, so only the first " + std::to_string(row_count) +
            " rows are drawn: aggregate in sql (e.g. date_trunc and GROUP BY) so every row fits.";
  }
  return text;
}

}  // namespace fleetmcp::apps
