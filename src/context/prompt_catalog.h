// The team's standard questions as MCP prompts (docs/ANALYST.md): each names
// the tables, columns, reporting.fn_* functions and the Africa/Nairobi
// business day the model should use, and gives a query to start from with
// the analyst's arguments already in it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::context {

// Where a completion for an argument's values comes from.
enum class ValueSource { none, region, cluster, cost_centre, priority };

struct PromptArgument {
  std::string name;
  std::string description;
  bool required = false;
  ValueSource values = ValueSource::none;
};

// Argument values as given (strings, as MCP sends them), absent ones left out.
using PromptValues = std::map<std::string, std::string>;

struct Prompt {
  std::string name;
  std::string title;
  std::string description;
  std::vector<PromptArgument> arguments;
  // The message for the model; throws PromptArgumentError for a bad value.
  std::function<std::string(const PromptValues&)> text;
};

// In the order prompts/list shows them.
const std::vector<Prompt>& standard_prompts();
const Prompt* find_prompt(const std::string& name);

// The business time zone: the reporting views count their days in it.
inline constexpr const char* kBusinessZone = "Africa/Nairobi";

// The first ```sql block of a prompt's text: the query it starts from.
std::string query_of(const std::string& prompt_text);

}  // namespace fleetmcp::context
