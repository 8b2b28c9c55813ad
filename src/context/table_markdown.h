// describe_table's answer as Markdown, for a person browsing resources in a
// client as much as for the model: the same facts, laid out as a page.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetmcp::context {

// `described` is what tools::describe_relation returns.
std::string table_markdown(const nlohmann::json& described);

}  // namespace fleetmcp::context
