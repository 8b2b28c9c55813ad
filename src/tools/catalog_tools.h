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

// What describe_table answers for one relation (after the same checks),
// as JSON; the table resources show it too. Throws ToolArgumentError.
nlohmann::json describe_relation(ToolEnvironment& environment, const std::string& schema, const std::string& table);

// One relation the role can read: what resources/list shows of it.
struct RelationSummary {
  std::string schema;
  std::string name;
  std::string kind;     // table, view, materialized view, partitioned table, foreign table
  std::string comment;  // empty when there is none
};
// In MCP_READABLE_SCHEMAS order, then by name.
std::vector<RelationSummary> readable_relations(ToolEnvironment& environment);

// Every relation the role can read in MCP_READABLE_SCHEMAS, as "schema.name":
// what close-match suggestions are drawn from.
std::vector<std::string> readable_relation_names(ToolEnvironment& environment);

}  // namespace fleetmcp::tools
