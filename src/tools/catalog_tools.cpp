#include "tools/catalog_tools.h"

#include <regex>

#include "catalog/hypertables.h"
#include "catalog/relation_totals.h"
#include "catalog/time_ranges.h"
#include "tools/arguments.h"
#include "tools/suggestions.h"
#include "tools/relation_suggestions.h"

namespace fleetmcp::tools {
namespace {

using nlohmann::json;

// The kinds of pg_class an analyst can SELECT from. Partitions and other
// inheritance children (TimescaleDB's chunks, wherever they live) are left
// out: their parent answers for them.
constexpr const char* kRelationKindName =
    "CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table' WHEN 'v' THEN 'view' "
    "WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table' END";
constexpr const char* kReadableRelation =
    "c.relkind IN ('r','p','v','m','f') AND NOT c.relispartition AND has_any_column_privilege(c.oid, 'SELECT')"
    " AND NOT EXISTS (SELECT FROM pg_inherits inh WHERE inh.inhrelid = c.oid)";

json optional_text(const pqxx::field& field) { return field.is_null() ? json(nullptr) : json(field.c_str()); }

json schema_argument_schema(const std::string& description) {
  return {{"type", "string"}, {"description", description}};
}

// The input schema of a tool whose one argument is a schema name.
json schema_only_input(const std::string& example) {
  return {{"type", "object"},
          {"properties", {{"schema", schema_argument_schema("Schema name, e.g. " + example)}}},
          {"required", {"schema"}},
          {"additionalProperties", false}};
}

ToolResult list_schemas(ToolEnvironment& env) {
  const Config& config = env.config;
  auto sql_with = [](const std::string& hypertables) {
    return std::string{"SELECT n.nspname, obj_description(n.oid, 'pg_namespace'),"
                                      " count(c.oid) FILTER (WHERE c.relkind IN ('r','p')),"
                                      " count(c.oid) FILTER (WHERE c.relkind = 'v'),"
                                      " count(c.oid) FILTER (WHERE c.relkind = 'm'),"
                                      " count(c.oid) FILTER (WHERE c.relkind = 'f'),"
                                      " (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid"
                                      "    AND p.prokind IN ('f','a','w') AND has_function_privilege(p.oid, 'EXECUTE')), "} +
           hypertables +
           " FROM pg_namespace n"
           " LEFT JOIN pg_class c ON c.relnamespace = n.oid AND " +
           kReadableRelation +
           " WHERE n.nspname = ANY($1::text[]) AND has_schema_privilege(n.oid, 'USAGE')"
           " GROUP BY n.oid, n.nspname ORDER BY array_position($1::text[], n.nspname::text)";
  };
  json schemas = json::array();
  env.session.read_only(config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    const bool timescaledb = catalog::timescaledb_present(tx);
    const std::string sql = sql_with(timescaledb ? "(SELECT count(*) FROM timescaledb_information.hypertables h"
                                                   " WHERE h.hypertable_schema = n.nspname)"
                                                 : "NULL::bigint");
    for (const auto& row : tx.exec(sql, pqxx::params{text_array_literal(config.readable_schemas)})) {
      json schema = {{"name", row[0].c_str()},
                     {"comment", optional_text(row[1])},
                     {"tables", row[2].as<long long>()},
                     {"views", row[3].as<long long>()},
                     {"materialized_views", row[4].as<long long>()},
                     {"foreign_tables", row[5].as<long long>()},
                     {"functions", row[6].as<long long>()}};
      // Of the tables, how many are hypertables (only where TimescaleDB is installed).
      if (!row[7].is_null()) schema["hypertables"] = row[7].as<long long>();
      schemas.push_back(std::move(schema));
    }
    return 0;
  });
  json answer = {{"schemas", schemas}};
  // A configured schema the role cannot use is an operator problem worth showing.
  json unavailable = json::array();
  for (const auto& name : config.readable_schemas) {
    bool found = false;
    for (const auto& schema : schemas) found = found || schema["name"] == name;
    if (!found) unavailable.push_back(name);
  }
  if (!unavailable.empty()) answer["unavailable"] = unavailable;
  return ToolResult::data(answer);
}

// A hypertable or continuous aggregate says so in its kind, with what the
// model needs to query it well; every relation gets its true rows and bytes.
void describe_timescale_kind(json& table, unsigned oid, const catalog::TimescaleSchema& timescale,
                             pqxx::transaction_base& tx, catalog::RelationTotals totals) {
  const catalog::Hypertable* hypertable = nullptr;
  const auto& aggregates = timescale.continuous_aggregates;
  if (auto found = timescale.hypertables.find(oid); found != timescale.hypertables.end()) {
    hypertable = &found->second;
    table["kind"] = "hypertable";
    table["hypertable"] = hypertable->summary();
  } else if (auto aggregate = aggregates.find(oid); aggregate != aggregates.end()) {
    table["kind"] = "continuous aggregate";
    table["continuous_aggregate"] = {{"source", aggregate->second.source},
                                     {"materialized_only", aggregate->second.materialized_only}};
    totals = catalog::totals_of_children(tx, aggregate->second.materialization_oid);
  }
  totals.write_to(table, hypertable);
}

ToolResult list_tables(ToolEnvironment& env, const json& arguments) {
  const std::string schema = required_string(arguments, "schema");
  require_readable_schema(env.config, schema);
  const std::string sql =
      std::string{"SELECT c.oid::bigint, c.relname, "} + kRelationKindName +
      ", CASE WHEN c.relkind = 'p' THEN (SELECT sum(greatest(p.reltuples, 0))::bigint FROM pg_partition_tree(c.oid) t"
      "                                   JOIN pg_class p ON p.oid = t.relid WHERE t.isleaf)"
      "       WHEN c.relkind IN ('r','m','f') AND c.reltuples >= 0 THEN c.reltuples::bigint END,"
      " CASE WHEN c.relkind = 'p' THEN (SELECT sum(pg_total_relation_size(t.relid))::bigint"
      "                                   FROM pg_partition_tree(c.oid) t)"
      "      WHEN c.relkind IN ('r','m') THEN pg_total_relation_size(c.oid) END,"
      " obj_description(c.oid, 'pg_class'),"
      " CASE WHEN c.relkind = 'm' THEN c.relispopulated END, kids.*"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN LATERAL (" +
      catalog::children_totals_sql("c.oid") +
      ") kids ON c.relkind = 'r'"
      " WHERE n.nspname = $1 AND " +
      kReadableRelation + " ORDER BY c.relname";
  json tables = json::array();
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    const auto timescale = catalog::read_timescale_schema(tx, schema);
    const auto ranges = catalog::time_ranges_in(tx, schema, timescale.hypertables);
    for (const auto& row : tx.exec(sql, pqxx::params{schema})) {
      const unsigned oid = static_cast<unsigned>(row[0].as<long long>());
      json table = {{"name", row[1].c_str()}, {"kind", row[2].c_str()}, {"comment", optional_text(row[5])}};
      if (!row[6].is_null()) table["populated"] = row[6].as<bool>();
      catalog::RelationTotals totals;
      if (!row[3].is_null()) totals.own_rows = row[3].as<long long>();
      if (!row[4].is_null()) totals.own_bytes = row[4].as<long long>();
      totals.read_children(row, 7);
      describe_timescale_kind(table, oid, timescale, tx, totals);
      if (auto range = ranges.find(oid); range != ranges.end()) table["time_range"] = range->second.to_json();
      tables.push_back(std::move(table));
    }
    return 0;
  });
  return ToolResult::data({{"schema", schema}, {"tables", tables}});
}

// "geometry(Point,4326)" → {"type":"Point","srid":4326}; "geography" → {"type":"Geometry","srid":null}.
json geometry_details(const std::string& formatted_type) {
  static const std::regex typed{R"(^(geometry|geography)\((\w+)(?:,(\d+))?\))"};
  std::smatch match;
  if (std::regex_search(formatted_type, match, typed))
    return {{"type", match[2].str()}, {"srid", match[3].matched ? json(std::stoi(match[3].str())) : json(nullptr)}};
  return {{"type", "Geometry"}, {"srid", formatted_type.rfind("geography", 0) == 0 ? json(4326) : json(nullptr)}};
}

// A view's SELECT, so the model sees what it computes (how v_daily_summary
// counts a day); a very long one is cut, and says so.
constexpr std::size_t kLongestViewDefinition = 8 * 1024;
std::string view_definition(pqxx::transaction_base& tx, const pqxx::params& oid) {
  std::string text = tx.exec("SELECT pg_get_viewdef($1::oid, true)", oid).one_row()[0].c_str();
  if (text.size() <= kLongestViewDefinition) return text;
  std::size_t cut = kLongestViewDefinition;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return text.substr(0, cut) + "\n… (cut at " + std::to_string(cut) + " of " + std::to_string(text.size()) + " bytes)";
}

}  // namespace

json describe_relation(ToolEnvironment& env, const std::string& schema, const std::string& table) {
  require_readable_schema(env.config, schema);
  RelationRef relation = resolve_relation(env, schema, table);

  json answer = {{"schema", relation.schema}, {"table", relation.name}, {"kind", relation.kind}};
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    const pqxx::params oid{std::to_string(relation.oid)};
    auto info = tx.exec("SELECT obj_description($1::oid, 'pg_class'),"
                        " CASE WHEN c.reltuples >= 0 AND c.relkind IN ('r','m','f') THEN c.reltuples::bigint END,"
                        " CASE WHEN c.relkind IN ('r','m') THEN pg_total_relation_size(c.oid) END, kids.*"
                        " FROM pg_class c LEFT JOIN LATERAL (" +
                            catalog::children_totals_sql("c.oid") +
                            ") kids ON c.relkind = 'r' WHERE c.oid = $1::oid",
                        oid)
                    .one_row();
    answer["comment"] = optional_text(info[0]);
    catalog::RelationTotals totals;
    if (!info[1].is_null()) totals.own_rows = info[1].as<long long>();
    if (!info[2].is_null()) totals.own_bytes = info[2].as<long long>();
    totals.read_children(info, 3);
    const auto timescale = catalog::read_timescale_schema(tx, relation.schema, relation.name);
    describe_timescale_kind(answer, relation.oid, timescale, tx, totals);
    const auto ranges = catalog::time_ranges_in(tx, relation.schema, timescale.hypertables, relation.oid);
    if (auto range = ranges.find(relation.oid); range != ranges.end()) answer["time_range"] = range->second.to_json();

    json columns = json::array();
    json primary_key = json::array();
    // Types in query's vocabulary (int8, timestamptz, float8[]), with the
    // modifier format_type shows (numeric(10,2), geometry(Point,4326)), so a
    // column reads the same here as in a result's columns.
    for (const auto& row :
         tx.exec("SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,"
                 " pg_get_expr(d.adbin, d.adrelid), col_description(a.attrelid, a.attnum), t.typname,"
                 " coalesce(a.attnum = ANY(pk.conkey), false), has_column_privilege(a.attrelid, a.attnum, 'SELECT'),"
                 " CASE WHEN t.typcategory = 'A' THEN et.typname ELSE t.typname END"
                 "   || coalesce(substring(format_type(a.atttypid, a.atttypmod) from '\\([^)]*\\)'), '')"
                 "   || CASE WHEN t.typcategory = 'A' THEN '[]' ELSE '' END"
                 " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                 " LEFT JOIN pg_type et ON et.oid = t.typelem"
                 " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                 " LEFT JOIN pg_constraint pk ON pk.conrelid = a.attrelid AND pk.contype = 'p'"
                 " WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                 oid)) {
      // Fields that would say nothing (no default, no comment, not in the key) are left out.
      json column = {{"name", row[0].c_str()}, {"type", row[8].c_str()}, {"nullable", row[2].as<bool>()}};
      if (!row[3].is_null()) column["default"] = row[3].c_str();
      if (!row[4].is_null()) column["comment"] = row[4].c_str();
      if (row[6].as<bool>()) column["primary_key"] = true;
      const std::string type_name = row[5].c_str();
      if (type_name == "geometry" || type_name == "geography") column["geometry"] = geometry_details(row[1].c_str());
      if (!row[7].as<bool>()) column["hidden"] = true;  // column-level grants withhold it
      if (row[6].as<bool>()) primary_key.push_back(row[0].c_str());
      columns.push_back(std::move(column));
    }
    answer["columns"] = std::move(columns);
    answer["primary_key"] = std::move(primary_key);

    // Foreign keys tell the joins; CHECK constraints the allowed values
    // (e.g. the event_type names), which the model would otherwise guess.
    json foreign_keys = json::array();
    json checks = json::array();
    for (const auto& row : tx.exec("SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint"
                                   " WHERE conrelid = $1::oid AND contype IN ('f', 'c') ORDER BY conname",
                                   oid)) {
      json constraint = {{"name", row[0].c_str()}, {"definition", row[1].c_str()}};
      (std::string_view{row[2].c_str()} == "f" ? foreign_keys : checks).push_back(std::move(constraint));
    }
    answer["foreign_keys"] = std::move(foreign_keys);
    if (!checks.empty()) answer["check_constraints"] = std::move(checks);
    if (relation.kind == "view" || relation.kind == "materialized view") answer["definition"] = view_definition(tx, oid);

    json indexes = json::array();
    for (const auto& row : tx.exec("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = $1::oid"
                                   " ORDER BY indisprimary DESC, indexrelid",
                                   oid))
      indexes.push_back(row[0].c_str());
    answer["indexes"] = std::move(indexes);
    return 0;
  });
  return answer;
}

namespace {

ToolResult describe_table(ToolEnvironment& env, const json& arguments) {
  const std::string schema = required_string(arguments, "schema");
  const std::string table = required_string(arguments, "table");
  return ToolResult::data(describe_relation(env, schema, table));
}

ToolResult list_functions(ToolEnvironment& env, const json& arguments) {
  const std::string schema = required_string(arguments, "schema");
  require_readable_schema(env.config, schema);
  json functions = json::array();
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    for (const auto& row : tx.exec(
             "SELECT p.proname, pg_get_function_arguments(p.oid), pg_get_function_result(p.oid),"
             " CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,"
             " obj_description(p.oid, 'pg_proc'), p.proretset,"
             " CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window' ELSE 'function' END"
             " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
             " WHERE n.nspname = $1 AND p.prokind IN ('f','a','w') AND has_function_privilege(p.oid, 'EXECUTE')"
             " ORDER BY p.proname, pg_get_function_arguments(p.oid)",
             pqxx::params{schema})) {
      json function = {{"name", row[0].c_str()},
                       {"arguments", row[1].c_str()},
                       {"returns", row[2].c_str()},
                       {"volatility", row[3].c_str()},
                       {"comment", optional_text(row[4])}};
      if (row[5].as<bool>()) function["returns_set"] = true;  // call as SELECT * FROM schema.fn(...)
      if (std::string{row[6].c_str()} != "function") function["kind"] = row[6].c_str();
      functions.push_back(std::move(function));
    }
    return 0;
  });
  return ToolResult::data({{"schema", schema}, {"functions", functions}});
}

}  // namespace

std::vector<RelationSummary> readable_relations(ToolEnvironment& env) {
  std::vector<RelationSummary> relations;
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    for (const auto& row : tx.exec(std::string{"SELECT n.nspname, c.relname, "} + kRelationKindName +
                                       ", obj_description(c.oid, 'pg_class') FROM pg_class c"
                                       " JOIN pg_namespace n ON n.oid = c.relnamespace"
                                       " WHERE n.nspname = ANY($1::text[]) AND " +
                                       kReadableRelation +
                                       " ORDER BY array_position($1::text[], n.nspname::text), c.relname",
                                   pqxx::params{text_array_literal(env.config.readable_schemas)}))
      relations.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].is_null() ? "" : row[3].c_str()});
    return 0;
  });
  return relations;
}

std::vector<std::string> readable_relation_names(ToolEnvironment& env) {
  std::vector<std::string> names;
  for (const auto& relation : readable_relations(env)) names.push_back(relation.schema + "." + relation.name);
  return names;
}

std::string RelationRef::qualified() const { return quote_identifier(schema) + "." + quote_identifier(name); }

RelationRef resolve_relation(ToolEnvironment& env, const std::string& schema, const std::string& name) {
  require_identifier("table", name);
  RelationRef relation{schema, name, 0, ""};
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    auto found = tx.exec(std::string{"SELECT c.oid::bigint, "} + kRelationKindName +
                             " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                             " WHERE n.nspname = $1 AND c.relname = $2 AND " +
                             kReadableRelation,
                         pqxx::params{schema, name});
    if (!found.empty()) {
      relation.oid = static_cast<unsigned>(found[0][0].as<long long>());
      relation.kind = found[0][1].c_str();
    }
    return 0;
  });
  if (relation.oid != 0) return relation;
  std::string message = "no table or view named '" + name + "' in schema '" + schema + "' that the role can read.";
  auto matches = similar_relations(env, schema, name);
  if (!matches.empty()) {
    message += " Did you mean " + one_of(matches) + "?";
  } else {
    message += " Use list_tables to see what the schema holds.";
  }
  throw ToolArgumentError(message);
}

void add_catalog_tools(ToolRegistry& registry, ToolEnvironment& env) {
  const json read_only = {{"readOnlyHint", true}, {"openWorldHint", false}};
  registry.add({"list_schemas", "List schemas",
                "Lists the schemas you can query, with their comments and how many tables, views, materialized views "
                "and functions each holds. Start here. Takes no arguments.",
                {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}},
                read_only,
                [&env](const json&, CallContext&) { return list_schemas(env); }});

  registry.add(
      {"list_tables", "List tables and views",
       "Lists the tables, views, materialized views (e.g. reporting.v_trips), hypertables, partitioned and foreign "
       "tables of one schema that you can read: name, kind, estimated_rows, size_bytes, comment and, for time "
       "series, time_range {column, first, last} (where the data begins and ends: check it before asking for "
       "\"the last 30 days\"). A hypertable (TimescaleDB) also gives its time column, chunk interval and chunk "
       "count; filter it on that column. Example: {\"schema\": \"reporting\"}.",
       schema_only_input("reporting"), read_only,
       [&env](const json& arguments, CallContext&) { return list_tables(env, arguments); }});

  registry.add(
      {"describe_table", "Describe a table or view",
       "Describes one table or view: each column's name, full type (e.g. numeric(10,2), geometry(Point,4326)), "
       "nullability, default and comment; for PostGIS columns the geometry type and SRID; the primary key, foreign "
       "keys and indexes (filter on indexed columns for fast queries); estimated_rows and size_bytes; for a "
       "hypertable its time column, chunk interval and chunks; for time series the time_range {column, first, last}. "
       "Example: {\"schema\": \"tracksolid\", "
       "\"table\": \"positions\"}.",
       {{"type", "object"},
        {"properties",
         {{"schema", schema_argument_schema("Schema name, e.g. tracksolid")},
          {"table", {{"type", "string"}, {"description", "Table, view or materialized view name, e.g. positions"}}}}},
        {"required", {"schema", "table"}},
        {"additionalProperties", false}},
       read_only,
       [&env](const json& arguments, CallContext&) { return describe_table(env, arguments); }});

  registry.add(
      {"list_functions", "List functions",
       "Lists the functions of one schema you may call (e.g. reporting.fn_*): name, arguments, return type, "
       "volatility and comment. Set-returning functions (returns_set) are called as SELECT * FROM schema.fn(...). "
       "Example: {\"schema\": \"reporting\"}.",
       schema_only_input("reporting"), read_only,
       [&env](const json& arguments, CallContext&) { return list_functions(env, arguments); }});
}

}  // namespace fleetmcp::tools
