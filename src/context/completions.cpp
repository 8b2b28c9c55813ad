#include "context/completions.h"

#include <algorithm>
#include <set>

#include "tools/catalog_tools.h"

namespace fleetmcp::context {
namespace {

char folded(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

Completion bounded(const std::vector<std::string>& matches) {
  Completion completion;
  completion.total = matches.size();
  const std::size_t shown = std::min(matches.size(), Completion::kMostValues);
  completion.values.assign(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(shown));
  return completion;
}

}  // namespace

bool starts_with_folded(const std::string& text, const std::string& prefix) {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (folded(text[i]) != folded(prefix[i])) return false;
  return true;
}

nlohmann::json Completion::to_json() const {
  return {{"values", values}, {"total", total}, {"hasMore", total > values.size()}};
}

// One small query on a table of a few dozen rows; the window count gives the
// total in the same round trip. A schema outside MCP_READABLE_SCHEMAS
// completes nothing, as if it did not exist.
Completion Completer::distinct_values(const char* schema, const char* sql, const std::string& prefix) {
  if (!environment_.config.is_readable_schema(schema)) return {};
  Completion completion;
  environment_.session.read_only(environment_.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    for (const auto& row : tx.exec(std::string("SELECT v, count(*) OVER () FROM (") + sql +
                                       ") s(v) WHERE v IS NOT NULL AND starts_with(lower(v), lower($1))"
                                       " ORDER BY v LIMIT " + std::to_string(Completion::kMostValues),
                                   pqxx::params{prefix})) {
      completion.values.push_back(row[0].c_str());
      completion.total = row[1].as<std::size_t>();
    }
    return 0;
  });
  return completion;
}

Completion Completer::prompt_argument(ValueSource source, const std::string& prefix) {
  switch (source) {
    case ValueSource::region:
      return distinct_values("tickets", "SELECT DISTINCT region FROM tickets.geo_clusters", prefix);
    case ValueSource::cluster:
      return distinct_values("tickets", "SELECT cluster_id FROM tickets.geo_clusters", prefix);
    case ValueSource::cost_centre:
      return distinct_values("tracksolid", "SELECT DISTINCT cost_centre FROM tracksolid.devices", prefix);
    case ValueSource::priority: {
      std::vector<std::string> matches;
      for (const char* priority : {"P1", "P2", "P3", "P4"})
        if (starts_with_folded(priority, prefix)) matches.emplace_back(priority);
      return bounded(matches);
    }
    case ValueSource::none:
      break;
  }
  return {};
}

// One catalog query (the relations the role can read), filtered here.
Completion Completer::table_variable(const std::string& variable, const std::string& prefix,
                                     const std::string& schema_given) {
  std::vector<std::string> matches;
  std::set<std::string> seen;
  for (const auto& relation : tools::readable_relations(environment_)) {
    if (variable == "schema") {
      if (starts_with_folded(relation.schema, prefix) && seen.insert(relation.schema).second)
        matches.push_back(relation.schema);
    } else if ((schema_given.empty() || relation.schema == schema_given) && starts_with_folded(relation.name, prefix) &&
               seen.insert(relation.name).second) {
      matches.push_back(relation.name);
    }
  }
  if (variable == "name") std::sort(matches.begin(), matches.end());
  return bounded(matches);
}

}  // namespace fleetmcp::context
