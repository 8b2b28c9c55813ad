#include "doctor/role_safety.h"

#include "doctor/check.h"

namespace fleetmcp::doctor {
namespace {

// Relations are looked at only in schemas the role may use: without USAGE a
// table privilege cannot be exercised. Column-level grants count too.
const char* const kSafetyQuery = R"SQL(
WITH writable AS (
  SELECT format('%I.%I', n.nspname, c.relname) AS name,
         concat_ws(', ',
           CASE WHEN has_any_column_privilege(c.oid, 'INSERT') THEN 'INSERT' END,
           CASE WHEN has_any_column_privilege(c.oid, 'UPDATE') THEN 'UPDATE' END,
           CASE WHEN c.relkind <> 'S' AND has_table_privilege(c.oid, 'DELETE') THEN 'DELETE' END,
           CASE WHEN c.relkind <> 'S' AND has_table_privilege(c.oid, 'TRUNCATE') THEN 'TRUNCATE' END) AS privileges,
         -- TimescaleDB chunks and other inheritance children: counted, named after their parents
         EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = c.oid) AS is_child
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND has_schema_privilege(n.oid, 'USAGE')
    -- PUBLIC may UPDATE pg_settings: that is SET, a session setting, not a write.
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
)
SELECT current_user::text,
       r.rolsuper, r.rolcreaterole, r.rolcreatedb,
       has_database_privilege(current_database(), 'CREATE'),
       (SELECT count(*) FROM writable WHERE privileges <> ''),
       (SELECT coalesce(string_agg(name || ' (' || privileges || ')', E'\n' ORDER BY is_child, name), '')
          FROM (SELECT * FROM writable WHERE privileges <> '' ORDER BY is_child, name LIMIT 20) w),
       (SELECT coalesce(string_agg(format('%I', nspname), E'\n' ORDER BY nspname), '')
          FROM pg_namespace WHERE has_schema_privilege(oid, 'CREATE'))
FROM pg_roles r WHERE r.rolname = current_user
)SQL";

// The query joins its lists with newlines, which identifiers in format('%I') keep quoted.
std::vector<std::string> lines(const pqxx::field& field) {
  std::vector<std::string> items;
  std::string text = field.as<std::string>();
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

}  // namespace

RoleSafety check_role_safety(pqxx::transaction_base& tx) {
  pqxx::row row = tx.exec(kSafetyQuery).one_row();
  RoleSafety safety;
  safety.role = row[0].as<std::string>();
  safety.superuser = row[1].as<bool>();
  if (row[2].as<bool>()) safety.role_powers.push_back("CREATEROLE");
  if (row[3].as<bool>()) safety.role_powers.push_back("CREATEDB");
  safety.can_create_in_database = row[4].as<bool>();
  safety.writable_count = row[5].as<long>();
  safety.writable = lines(row[6]);
  safety.creatable_schemas = lines(row[7]);
  return safety;
}

std::string RoleSafety::summary() const {
  std::vector<std::string> reasons;
  if (superuser) reasons.push_back(role + " is a superuser");
  if (!role_powers.empty()) reasons.push_back(role + " has " + joined(role_powers));
  if (writable_count > 0) {
    std::string first = writable.front();
    reasons.push_back(role + " can write to " + std::to_string(writable_count) + " relation(s), e.g. " + first);
  }
  if (!creatable_schemas.empty()) reasons.push_back(role + " can CREATE in schema(s) " + joined(creatable_schemas));
  if (can_create_in_database) reasons.push_back(role + " can create schemas in this database");
  return joined(reasons);
}

std::string refusal_message(const RoleSafety& safety) {
  return "fleetmcp refuses to serve as a role that can change the database: " + safety.summary() +
         ". Connect as the read-only role analytics_ro (DATABASE_URL), and run `fleetmcp doctor` to see every "
         "problem and its fix. To serve anyway (only for a deliberate special case), start with "
         "--allow-unsafe-role.";
}

}  // namespace fleetmcp::doctor
