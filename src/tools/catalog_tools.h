// The introspection tools: list_schemas, list_tables, describe_table,
// list_functions. They read pg_catalog, so they see only what the role may read.
#pragma once

#include "tools/environment.h"
#include "tools/tool.h"

namespace fleetmcp::tools {

void add_catalog_tools(ToolRegistry& registry, ToolEnvironment& environment);

// The resolved relation an analyst named, or a ToolArgumentError naming close
// matches. Shared with sample_table.
struct RelationRef {
  std::string schema;
  std::string name;
  unsigned oid = 0;
  std::string kind;
  std::string qualified() const;  // "\"schema\".\"name\""
};
RelationRef resolve_relation(ToolEnvironment& environment, const std::string& schema, const std::string& name);

// Every relation the role can read in MCP_READABLE_SCHEMAS, as "schema.name":
// what close-match suggestions are drawn from.
std::vector<std::string> readable_relation_names(ToolEnvironment& environment);

}  // namespace fleetmcp::tools
