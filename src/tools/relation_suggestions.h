// "Did you mean tracksolid.devices?" for a relation or schema the analyst (or
// the model) named wrong: shared by describe_table/sample_table, which take
// the names as arguments, and the query tool, which learns them from
// PostgreSQL's 42P01 / 3F000. Only relations the role can read are offered.
#pragma once

#include <string>
#include <vector>

#include "tools/environment.h"

namespace fleetmcp::tools {

// Readable relations ("schema.name", in MCP_READABLE_SCHEMAS) close to
// `schema`.`name`, best first. `schema` may be empty (an unqualified name) or
// misspelt: then the bare name is matched across every readable schema.
std::vector<std::string> similar_relations(ToolEnvironment& environment, const std::string& schema,
                                           const std::string& name);


// For the query tool's 42P01 (relation "x.y" does not exist) and 3F000
// (schema "x" does not exist; the relation is read from `statement`): a
// sentence naming the readable relations or schemas meant, or "".
std::string missing_relation_advice(ToolEnvironment& environment, const std::string& sqlstate,
                                    const std::string& message, const std::string& statement);

}  // namespace fleetmcp::tools
