#include "tools/hidden_columns.h"

namespace fleetmcp::tools {

std::string relation_denied_in(const std::string& message) {
  for (const char* prefix : {"permission denied for table ", "permission denied for view ",
                             "permission denied for materialized view "}) {
    std::size_t at = message.find(prefix);
    if (at == std::string::npos) continue;
    std::size_t start = at + std::char_traits<char>::length(prefix);
    std::size_t end = message.find_first_of(" \n", start);
    return message.substr(start, end == std::string::npos ? std::string::npos : end - start);
  }
  return "";
}

std::string hidden_columns_advice(ToolEnvironment& env, const std::string& relation_name) {
  if (relation_name.empty()) return "";
  std::string advice;
  env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
    for (auto [relation, hidden] : tx.query<std::string, std::string>(
             "SELECT format('%I.%I', n.nspname, c.relname), string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) "
             "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
             "WHERE c.relname = $1 AND has_any_column_privilege(c.oid, 'SELECT') "
             "AND NOT has_column_privilege(c.oid, a.attnum, 'SELECT') GROUP BY 1 ORDER BY 1",
             pqxx::params{relation_name})) {
      advice += (advice.empty() ? "" : " ") + std::string{"Columns of "} + relation + " hidden by the PII deny-list: " +
                hidden + ". Name the other columns instead (SELECT * reads them all, so it fails on this table); "
                "describe_table marks hidden columns \"hidden\": true.";
    }
  });
  return advice;
}

}  // namespace fleetmcp::tools
