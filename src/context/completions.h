// completion/complete: the values a prompt argument or a resource template
// variable can take, drawn from the database (regions, clusters, cost
// centres, schema and table names the role can read), prefix-matched
// without regard to case, at most 100 per answer.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "context/prompt_catalog.h"
#include "tools/environment.h"

namespace fleetmcp::context {

// What completion/complete answers: up to kMostValues values, how many
// matched in all, and whether there were more than shown.
struct Completion {
  static constexpr std::size_t kMostValues = 100;
  std::vector<std::string> values;
  std::size_t total = 0;
  nlohmann::json to_json() const;
};

class Completer {
 public:
  explicit Completer(tools::ToolEnvironment& environment) : environment_(environment) {}

  // Values of a prompt argument; none for free values such as dates.
  Completion prompt_argument(ValueSource source, const std::string& prefix);

  // A variable of fleetmcp://table/{schema}/{name}; `schema_given` narrows the names.
  Completion table_variable(const std::string& variable, const std::string& prefix, const std::string& schema_given);

 private:
  Completion distinct_values(const char* schema, const char* sql, const std::string& prefix);
  tools::ToolEnvironment& environment_;
};

// Case-insensitive ASCII prefix test, as the database side does with lower().
bool starts_with_folded(const std::string& text, const std::string& prefix);

}  // namespace fleetmcp::context
