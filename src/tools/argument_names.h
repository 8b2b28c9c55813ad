// Refuses arguments a tool's input schema does not declare: a model that
// invents {"limit": 5} must learn that it is ignored, not get 1,000 rows.
#pragma once

#include <nlohmann/json.hpp>

#include "tools/tool.h"

namespace fleetmcp::tools {

// Throws ToolArgumentError for the first argument not among the schema's
// properties when the schema says additionalProperties: false, naming the
// closest accepted argument and all of them.
void refuse_unknown_arguments(const Tool& tool, const nlohmann::json& arguments);

}  // namespace fleetmcp::tools
