#include "doctor/function_checks.h"

#include <vector>

#include "tools/arguments.h"

namespace fleetmcp::doctor {
namespace {

// Extensions' functions (PostGIS's, TimescaleDB's) are theirs to guard and are
// left out, as the schema checks leave their schemas out. The signature is
// spelled with types only, schema-qualified, as REVOKE … ON FUNCTION takes it.
const char* const kFunctionsQuery = R"SQL(
SELECT format('%I.%I(%s)', n.nspname, p.proname, oidvectortypes(p.proargtypes)),
       CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
       pg_get_userbyid(p.proowner),
       p.prosecdef,
       l.lanname,
       has_function_privilege('public', p.oid, 'EXECUTE')
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY($1::text[])
  AND p.prokind IN ('f', 'p')
  AND (p.prosecdef OR p.provolatile = 'v')
  AND has_function_privilege(p.oid, 'EXECUTE')
  AND NOT EXISTS (SELECT FROM pg_depend d
                  WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
ORDER BY p.prosecdef DESC, 1
)SQL";

struct ExecutableFunction {
  std::string signature;  // reporting.refresh_v_trips()
  std::string kind;       // FUNCTION | PROCEDURE
  std::string owner;
  bool security_definer = false;
  std::string language;
  bool through_public = false;

  std::string description() const {
    return signature + " (" + (security_definer ? "SECURITY DEFINER, runs as " + owner : "volatile") + ", " +
           language + ", " + (through_public ? "EXECUTE through PUBLIC" : "EXECUTE granted") + ")";
  }

  // What an operator runs to close it: the REVOKE, then the GRANT back to
  // the owner (REVOKE … FROM PUBLIC takes it from every other role too).
  std::vector<std::string> fix(const std::string& role) const {
    const std::string target = kind + " " + signature;
    return {"REVOKE EXECUTE ON " + target + " FROM " + (through_public ? "PUBLIC, " : "") + role + ";",
            "GRANT EXECUTE ON " + target + " TO " + tools::quote_identifier(owner) +
                ";  -- and to each other role that runs it (e.g. a nightly job's)"};
  }
};

}  // namespace

Check check_executable_functions(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "functions the role can execute";
  std::vector<ExecutableFunction> found;
  for (const auto& row : tx.exec(kFunctionsQuery, pqxx::params{tools::text_array_literal(config.readable_schemas)}))
    found.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].as<bool>(), row[4].c_str(),
                     row[5].as<bool>()});
  if (found.empty())
    return Check::pass(title, "no SECURITY DEFINER or volatile function in the readable schemas");

  const std::string role = tools::quote_identifier(tx.query_value<std::string>("SELECT current_user"));
  std::vector<std::string> definers;
  std::vector<std::string> volatiles;
  std::vector<std::string> fixes;
  for (const auto& function : found) {
    (function.security_definer ? definers : volatiles).push_back(function.description());
    for (auto& line : function.fix(role)) fixes.push_back(std::move(line));
  }
  std::vector<std::string> parts;
  if (!definers.empty())
    parts.push_back(std::to_string(definers.size()) + " SECURITY DEFINER function(s) write with their owner's rights, "
                    "which only fleetmcp's READ ONLY transaction stops: " + joined(definers));
  if (!volatiles.empty())
    parts.push_back(std::to_string(volatiles.size()) + " volatile function(s) whose bodies fleetmcp's side-effect "
                    "check cannot see into unless they are inlinable SQL: " + joined(volatiles));
  return Check::warn(title, joined(parts, "; "),
                     "unless analysts need them, run as a superuser (sql/analytics_ro_hardening.sql does this for "
                     "every SECURITY DEFINER function and for PostgreSQL's own functions with side effects):\n" +
                         joined(fixes, "\n"));
}

}  // namespace fleetmcp::doctor
