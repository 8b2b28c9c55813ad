#include "doctor/role_checks.h"

#include <map>
#include <set>

#include "tools/arguments.h"

namespace fleetmcp::doctor {
namespace {

// Schemas the doctor weighs: all but PostgreSQL's own. Extension-made ones
// (PostGIS's, TimescaleDB's) are marked: they are readable by PUBLIC by
// design and need not be configured, but one that is configured (e.g.
// timescaledb_information, whose views are documented) is judged like any
// other, its extension-made views included. The _timescaledb_* internals
// never reach here configured: Config::validate drops them, as serve does.
const char* const kSchemaAccessQuery = R"SQL(
SELECT n.nspname,
       n.oid::bigint,
       has_schema_privilege(n.oid, 'USAGE'),
       count(c.oid),
       count(c.oid) FILTER (WHERE has_any_column_privilege(c.oid, 'SELECT')),
       e.owned
FROM pg_namespace n
CROSS JOIN LATERAL (SELECT EXISTS (SELECT FROM pg_depend d
                                   WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid
                                     AND d.deptype = 'e') AS owned) e
LEFT JOIN pg_class c
  ON c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
 AND NOT EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid)
 AND (e.owned OR NOT EXISTS (SELECT FROM pg_depend d
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'))
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname !~ '^pg_(toast_)?temp_'
GROUP BY n.oid, n.nspname, e.owned
ORDER BY n.nspname
)SQL";

struct SchemaAccess {
  std::string name;
  bool usage = false;
  long relations = 0;   // tables, views, matviews, foreign tables (not extension-owned)
  long selectable = 0;  // of those, the ones the role may SELECT from
  bool extension_owned = false;  // made by an extension: readable by design unless configured

  bool readable() const { return usage && (selectable > 0 || relations == 0); }
};

std::map<std::string, SchemaAccess> schema_access(pqxx::transaction_base& tx) {
  std::map<std::string, SchemaAccess> schemas;
  for (const auto& row : tx.exec(kSchemaAccessQuery, pqxx::params{}))
    schemas[row[0].c_str()] =
        SchemaAccess{row[0].c_str(), row[2].as<bool>(), row[3].as<long>(), row[4].as<long>(), row[5].as<bool>()};
  return schemas;
}

std::string ident(const std::string& name) { return tools::quote_identifier(name); }

std::string current_role(pqxx::transaction_base& tx) { return tx.query_value<std::string>("SELECT current_user"); }

}  // namespace

Check check_not_superuser(const RoleSafety& safety) {
  const std::string title = "not a superuser";
  if (!safety.superuser) return Check::pass(title, safety.role + " is not a superuser");
  return Check::fail(title, safety.role + " is a superuser: it can read and change everything",
                     "connect as the read-only role analytics_ro instead (the operator creates it with "
                     "scripts/bootstrap_analytics_ro.sh, which prints its DSN)");
}

Check check_cannot_write(const RoleSafety& safety, pqxx::transaction_base& tx) {
  const std::string title = "cannot write anywhere";
  std::vector<std::string> found;
  std::vector<std::string> fixes;
  const std::string role = ident(safety.role);
  if (safety.superuser) {
    return Check::fail(title, "a superuser can write everywhere", "connect as analytics_ro (see above)");
  }
  for (const auto& power : safety.role_powers) {
    found.push_back("has " + power);
    fixes.push_back("ALTER ROLE " + role + " NO" + power + ";");
  }
  if (safety.writable_count > 0) {
    found.push_back("can write to " + std::to_string(safety.writable_count) + " relation(s): " + joined(safety.writable) +
                    (safety.writable_count > static_cast<long>(safety.writable.size()) ? ", …" : ""));
    fixes.push_back("for each schema S: REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA S FROM " + role +
                    "; REVOKE UPDATE ON ALL SEQUENCES IN SCHEMA S FROM " + role +
                    "; (scripts/bootstrap_analytics_ro.sh does this for every schema)");
  }
  for (const auto& schema : safety.creatable_schemas) {
    found.push_back("can CREATE in schema " + schema);
    fixes.push_back("REVOKE CREATE ON SCHEMA " + schema + " FROM " + role + "; REVOKE CREATE ON SCHEMA " + schema +
                    " FROM PUBLIC;");
  }
  if (safety.can_create_in_database) {
    found.push_back("can CREATE schemas in the database");
    fixes.push_back("REVOKE CREATE ON DATABASE " + ident(tx.conn().dbname()) + " FROM " + role + ", PUBLIC;");
  }
  // A member of another role can SET ROLE to it, even when it does not inherit.
  std::vector<std::string> memberships;
  for (const auto& row : tx.exec("SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                                 "WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = current_user) "
                                 "ORDER BY 1",
                                 pqxx::params{}))
    memberships.push_back(row[0].c_str());
  for (const auto& member_of : memberships) {
    found.push_back("is a member of role " + member_of);
    fixes.push_back("REVOKE " + ident(member_of) + " FROM " + role + ";");
  }
  if (found.empty())
    return Check::pass(title, "no INSERT, UPDATE, DELETE or TRUNCATE on any table or view, no CREATE on the database "
                              "or any schema, no role powers or memberships");
  return Check::fail(title, safety.role + " " + joined(found, "; "),
                     "run as a superuser:\n" + joined(fixes, "\n"));
}

Check check_session_defaults(pqxx::transaction_base& tx) {
  const std::string title = "session defaults";
  std::map<std::string, std::string> settings;
  for (const auto& row : tx.exec("SELECT name, setting FROM pg_settings WHERE name IN "
                                 "('default_transaction_read_only', 'statement_timeout', "
                                 "'idle_in_transaction_session_timeout', 'temp_file_limit')",
                                 pqxx::params{}))
    settings[row[0].c_str()] = row[1].c_str();
  const std::string role = ident(current_role(tx));
  std::vector<std::string> problems;
  std::vector<std::string> fixes;
  if (settings["default_transaction_read_only"] != "on") {
    problems.push_back("default_transaction_read_only is " + settings["default_transaction_read_only"]);
    fixes.push_back("ALTER ROLE " + role + " SET default_transaction_read_only = on;");
  }
  auto check_limit = [&](const std::string& name, long limit_ms) {
    long value = std::stol(settings[name]);
    if (value > 0 && value <= limit_ms) return;
    problems.push_back(name + " is " + (value == 0 ? std::string{"0 (no limit)"} : std::to_string(value / 1000) + "s") +
                       ", more than " + std::to_string(limit_ms / 1000) + "s");
    fixes.push_back("ALTER ROLE " + role + " SET " + name + " = '" + std::to_string(limit_ms / 1000) + "s';");
  };
  check_limit("statement_timeout", 30'000);
  check_limit("idle_in_transaction_session_timeout", 60'000);
  // temp_file_limit is in kB; -1 is no limit. Superuser-only, so the role's
  // setting is the only place it can come from.
  constexpr long temp_limit_kb = 1024L * 1024L;
  long temp_kb = std::stol(settings["temp_file_limit"]);
  if (temp_kb < 0 || temp_kb > temp_limit_kb) {
    problems.push_back("temp_file_limit is " + (temp_kb < 0 ? std::string{"-1 (no limit)"} : std::to_string(temp_kb) + "kB") +
                       ", more than 1GB");
    fixes.push_back("ALTER ROLE " + role + " SET temp_file_limit = '1GB';");
  }
  std::string found = "default_transaction_read_only " + settings["default_transaction_read_only"] +
                      ", statement_timeout " + settings["statement_timeout"] + " ms, " +
                      "idle_in_transaction_session_timeout " + settings["idle_in_transaction_session_timeout"] + " ms, " +
                      "temp_file_limit " + settings["temp_file_limit"] + " kB";
  if (problems.empty()) return Check::pass(title, found);
  return Check::fail(title, joined(problems, "; ") + " (fleetmcp sets its own per connection, but the role is the safety net)",
                     "run as a superuser, then reconnect:\n" + joined(fixes, "\n"));
}

Check check_readable_schemas(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "MCP_READABLE_SCHEMAS matches what the role can read";
  auto schemas = schema_access(tx);
  const std::string role = ident(current_role(tx));
  std::vector<std::string> problems;
  std::vector<std::string> fixes;
  std::vector<std::string> good;
  for (const auto& name : config.readable_schemas) {
    auto found = schemas.find(name);
    if (found == schemas.end()) {
      problems.push_back("configured schema " + name + " does not exist (or is a system schema)");
      fixes.push_back("remove " + name + " from MCP_READABLE_SCHEMAS");
    } else if (!found->second.readable()) {
      problems.push_back("configured schema " + name + " is not readable (" +
                         (found->second.usage ? "no SELECT on any of its " + std::to_string(found->second.relations) +
                                                    " relations"
                                              : std::string{"no USAGE"}) +
                         ")");
      fixes.push_back("GRANT USAGE ON SCHEMA " + ident(name) + " TO " + role + "; GRANT SELECT ON ALL TABLES IN SCHEMA " +
                      ident(name) + " TO " + role + ";  (or remove it from MCP_READABLE_SCHEMAS)");
    } else {
      good.push_back(name + " (" + std::to_string(found->second.selectable) + "/" +
                     std::to_string(found->second.relations) + " relations)");
    }
  }
  for (const auto& [name, access] : schemas) {
    if (config.is_readable_schema(name) || access.extension_owned || !access.usage || access.selectable == 0) continue;
    problems.push_back("schema " + name + " is readable (" + std::to_string(access.selectable) +
                       " relations) but not in MCP_READABLE_SCHEMAS");
    fixes.push_back("add " + name + " to MCP_READABLE_SCHEMAS if analysts should see it; otherwise REVOKE ALL ON SCHEMA " +
                    ident(name) + " FROM " + role + "; REVOKE SELECT ON ALL TABLES IN SCHEMA " + ident(name) +
                    " FROM " + role + ";  (and FROM PUBLIC if it was granted to PUBLIC)");
  }
  if (problems.empty()) return Check::pass(title, joined(good));
  return Check::fail(title, joined(problems, "; "), joined(fixes, "\n"));
}

Check check_matviews_granted(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "materialized views granted";
  long total = 0;
  std::vector<std::string> missing;
  for (const auto& row : tx.exec("SELECT format('%I.%I', n.nspname, c.relname), has_table_privilege(c.oid, 'SELECT') "
                                 "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE c.relkind = 'm' AND n.nspname = ANY($1::text[]) ORDER BY 1",
                                 pqxx::params{tools::text_array_literal(config.readable_schemas)})) {
    ++total;
    if (!row[1].as<bool>()) missing.push_back(row[0].c_str());
  }
  if (missing.empty())
    return Check::pass(title, "all " + std::to_string(total) + " materialized view(s) in the readable schemas");
  std::vector<std::string> fixes;
  const std::string role = ident(current_role(tx));
  for (const auto& name : missing) fixes.push_back("GRANT SELECT ON " + name + " TO " + role + ";");
  return Check::fail(title, "no SELECT on " + joined(missing), "run as a superuser or the owner:\n" + joined(fixes, "\n"));
}

Check check_default_privileges(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "default privileges for new objects";
  // Every role that owns objects (or the schema) in a readable schema will
  // create the next ones; without a default privilege they arrive unreadable.
  const char* const query = R"SQL(
WITH owners AS (
  SELECT DISTINCT n.oid AS nsp, n.nspname, o.owner
  FROM pg_namespace n
  CROSS JOIN LATERAL (
    SELECT n.nspowner AS owner
    UNION
    SELECT c.relowner FROM pg_class c
    WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  ) o
  WHERE n.nspname = ANY($1::text[])
    -- an extension's schema gets its objects from the extension, not from owners
    AND NOT EXISTS (SELECT FROM pg_depend d
                    WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
)
SELECT nspname, pg_get_userbyid(owner),
       EXISTS (SELECT FROM pg_default_acl d, aclexplode(d.defaclacl) a
               WHERE d.defaclrole = owner AND d.defaclnamespace IN (nsp, 0) AND d.defaclobjtype = 'r'
                 AND a.privilege_type = 'SELECT'
                 AND a.grantee IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user)))
FROM owners
WHERE owner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
ORDER BY 1, 2
)SQL";
  std::vector<std::string> present;
  std::vector<std::string> missing;
  std::vector<std::string> fixes;
  const std::string role = ident(current_role(tx));
  for (const auto& row : tx.exec(query, pqxx::params{tools::text_array_literal(config.readable_schemas)})) {
    std::string pair = std::string{row[1].c_str()} + " in " + row[0].c_str();
    if (row[2].as<bool>()) {
      present.push_back(pair);
    } else {
      missing.push_back(pair);
      fixes.push_back("ALTER DEFAULT PRIVILEGES FOR ROLE " + ident(row[1].c_str()) + " IN SCHEMA " +
                      ident(row[0].c_str()) + " GRANT SELECT ON TABLES TO " + role + ";");
    }
  }
  if (missing.empty())
    return Check::pass(title, present.empty() ? "no owning roles other than the role itself"
                                              : "SELECT on future tables for " + joined(present));
  return Check::fail(title, "tables created later by " + joined(missing) + " will not be readable",
                     "run as a superuser:\n" + joined(fixes, "\n"));
}

Check check_unconfigured_unreadable(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "no access outside MCP_READABLE_SCHEMAS";
  auto schemas = schema_access(tx);
  const std::string role = ident(current_role(tx));
  std::vector<std::string> closed;
  std::vector<std::string> open;
  std::vector<std::string> fixes;
  for (const auto& [name, access] : schemas) {
    if (config.is_readable_schema(name) || access.extension_owned) continue;
    // PUBLIC has USAGE on public by default; only a readable table there matters.
    bool has_access = access.selectable > 0 || (access.usage && name != "public");
    if (!has_access) {
      closed.push_back(name);
      continue;
    }
    open.push_back(name + " (" + (access.usage ? "USAGE" : "no USAGE") + ", SELECT on " +
                   std::to_string(access.selectable) + " relation(s))");
    fixes.push_back("REVOKE ALL ON SCHEMA " + ident(name) + " FROM " + role + "; REVOKE ALL ON ALL TABLES IN SCHEMA " +
                    ident(name) + " FROM " + role + ";  (and FROM PUBLIC if granted to PUBLIC)");
  }
  bool infrastructure_exists = schemas.count("infrastructure") > 0;
  std::string infrastructure = infrastructure_exists ? "" : " (there is no infrastructure schema here)";
  if (open.empty())
    return Check::pass(title, closed.empty() ? "no other schemas" + infrastructure
                                             : "unreadable: " + joined(closed) + infrastructure);
  return Check::fail(title, "the role has access to " + joined(open),
                     "unless the schema belongs in MCP_READABLE_SCHEMAS, run as a superuser:\n" + joined(fixes, "\n"));
}

}  // namespace fleetmcp::doctor
