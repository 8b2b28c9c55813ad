#include "context/table_resources.h"

#include "context/resource_uri.h"
#include "context/table_markdown.h"
#include "tools/catalog_tools.h"
#include "tools/tool.h"

namespace fleetmcp::context {

using nlohmann::json;

std::vector<json> TableResources::list(const std::string&) {
  std::vector<json> resources;
  for (const auto& relation : tools::readable_relations(environment_)) {
    json resource = {{"uri", table_uri(relation.schema, relation.name)},
                     {"name", relation.schema + "." + relation.name},
                     {"title", relation.schema + "." + relation.name + " (" + relation.kind + ")"},
                     {"mimeType", "text/markdown"}};
    resource["description"] = relation.comment.empty() ? "The " + relation.kind + " " + relation.schema + "." +
                                                             relation.name + " (no comment in the database)."
                                                       : relation.comment;
    resources.push_back(std::move(resource));
  }
  return resources;
}

std::vector<json> TableResources::templates() const {
  return {{{"uriTemplate", std::string(kTableUriTemplate)},
           {"name", "table"},
           {"title", "Table or view description"},
           {"description",
            "The columns, types, keys, indexes, comments and time range of one table or view you can read "
            "(what describe_table answers), as Markdown and JSON. schema is one of the readable schemas; "
            "both names are percent-encoded. Example: fleetmcp://table/reporting/v_trips."},
           {"mimeType", "text/markdown"}}};
}

bool TableResources::owns(std::string_view uri) const { return uri.substr(0, kTableUriPrefix.size()) == kTableUriPrefix; }

json TableResources::read(const std::string& uri, const std::string&) {
  const auto names = parse_table_uri(uri);
  if (!names)
    throw ResourceNotFound("a table URI is fleetmcp://table/{schema}/{name}, each name percent-encoded, e.g. "
                           "fleetmcp://table/reporting/v_trips");
  json described;
  try {
    described = tools::describe_relation(environment_, names->schema, names->name);
  } catch (const tools::ToolArgumentError& unknown) {
    // Its message names only readable schemas and readable relations.
    throw ResourceNotFound(unknown.what());
  }
  return json::array({{{"uri", uri}, {"mimeType", "text/markdown"}, {"text", table_markdown(described)}},
                      {{"uri", uri}, {"mimeType", "application/json"}, {"text", described.dump()}}});
}

}  // namespace fleetmcp::context
