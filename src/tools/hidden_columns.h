// When a query is refused on a table with columns hidden by the PII deny-list
// (column-level GRANTs), says which columns are hidden and what to do instead.
#pragma once

#include <string>

#include "tools/environment.h"

namespace fleetmcp::tools {

// "" unless a readable relation named `relation_name` has columns the role
// cannot read; otherwise a sentence naming them.
std::string hidden_columns_advice(ToolEnvironment& environment, const std::string& relation_name);

// The relation named in PostgreSQL's "permission denied for table X" / "view X", or "".
std::string relation_denied_in(const std::string& message);

}  // namespace fleetmcp::tools
