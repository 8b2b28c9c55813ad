#include "tools/argument_names.h"

#include <algorithm>
#include <map>

#include "tools/suggestions.h"

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

// Names models reach for out of habit (SQL, other tools' APIs) that no
// spelling distance leads to the argument meant.
const std::map<std::string, std::vector<std::string>>& habitual_names() {
  static const std::map<std::string, std::vector<std::string>> names{
      {"limit", {"max_rows", "n"}},         {"rows", {"max_rows", "n"}},     {"count", {"max_rows", "n"}},
      {"max_results", {"max_rows", "n"}},   {"query", {"sql"}},               {"statement", {"sql"}},
      {"parameters", {"params"}},           {"args", {"params"}},             {"bind", {"params"}},
      {"timeout", {"timeout_s"}},           {"table_name", {"table"}},        {"relation", {"table"}},
      {"schema_name", {"schema"}},          {"namespace", {"schema"}},        {"explain_analyze", {"analyze"}},
  };
  return names;
}

std::string closest_accepted(const std::string& unknown, const std::vector<std::string>& accepted) {
  if (auto habit = habitual_names().find(unknown); habit != habitual_names().end())
    for (const auto& meant : habit->second)
      if (std::find(accepted.begin(), accepted.end(), meant) != accepted.end()) return meant;
  auto spelled = close_matches(unknown, accepted, 1);
  return spelled.empty() ? "" : spelled.front();
}

// Required arguments first, each marked, then the others as the schema lists them.
std::string accepted_text(const json& schema, const std::vector<std::string>& accepted) {
  const json required = schema.value("required", json::array());
  auto is_required = [&required](const std::string& name) {
    return std::find(required.begin(), required.end(), name) != required.end();
  };
  std::string text;
  for (bool listing_required : {true, false})
    for (const auto& name : accepted)
      if (is_required(name) == listing_required)
        text += (text.empty() ? "" : ", ") + name + (listing_required ? " (required)" : "");
  return text;
}

}  // namespace

void refuse_unknown_arguments(const Tool& tool, const json& arguments) {
  const json& schema = tool.input_schema;
  if (!arguments.is_object() || schema.value("additionalProperties", true) != false) return;
  const json properties = schema.value("properties", json::object());
  std::vector<std::string> accepted;
  for (const auto& [name, _] : properties.items()) accepted.push_back(name);
  for (const auto& [name, _] : arguments.items()) {
    if (properties.contains(name)) continue;
    if (accepted.empty())
      throw ToolArgumentError("unknown argument '" + name + "': " + tool.name + " takes no arguments; call it with {}.");
    std::string message = "unknown argument '" + name + "'";
    std::string meant = closest_accepted(name, accepted);
    message += meant.empty() ? "." : "; did you mean " + meant + "?";
    throw ToolArgumentError(message + " " + tool.name + " accepts: " + accepted_text(schema, accepted) + ".");
  }
}

}  // namespace fleetmcp::tools
