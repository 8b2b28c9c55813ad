#include "db/database_facts.h"

#include <vector>

#include "tools/suggestions.h"

namespace fleetmcp::db {
namespace {

std::string unknown_zone_message(pqxx::transaction_base& tx, const std::string& zone) {
  // pg_timezone_names reads the whole zone database (40-170 ms), so it is
  // consulted only to help with a zone already found to be wrong.
  std::vector<std::string> names;
  try {
    for (const auto& row : tx.exec("SELECT name FROM pg_timezone_names WHERE name !~ '^(posix|right)/'", pqxx::params{})) names.push_back(row[0].c_str());
  } catch (const std::exception&) {
  }
  std::string message = "MCP_TIME_ZONE '" + zone + "' is not a time zone this PostgreSQL knows.";
  if (auto matches = tools::close_matches(zone, names); !matches.empty())
    message += " Did you mean " + tools::one_of(matches) + "?";
  return message + " Use a name from pg_timezone_names, e.g. Africa/Nairobi, or unset it to use the database's own.";
}

}  // namespace

DatabaseFacts read_database_facts(pqxx::connection& connection, const std::string& configured_time_zone) {
  DatabaseFacts facts;
  pqxx::nontransaction tx{connection};
  if (!configured_time_zone.empty()) {
    // set_config inside a transaction that is rolled back: a check, not a change.
    try {
      tx.exec("BEGIN READ ONLY");
      tx.exec("SELECT set_config('TimeZone', $1, true)", pqxx::params{configured_time_zone});
      tx.exec("ROLLBACK");
    } catch (const pqxx::data_exception&) {
      tx.exec("ROLLBACK");
      throw UnknownTimeZone(unknown_zone_message(tx, configured_time_zone));
    }
  }
  pqxx::row row = tx.exec("SELECT current_setting('server_version_num')::int,"
                          " (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),"
                          " coalesce(current_setting('timescaledb.license', true), ''),"
                          " current_setting('TimeZone')",
                          pqxx::params{})
                      .one_row();
  facts.known = true;
  facts.server_version_num = row[0].as<int>();
  if (!row[1].is_null()) {
    facts.timescaledb_version = row[1].c_str();
    facts.timescaledb_license = row[2].c_str();
  }
  facts.time_zone = configured_time_zone.empty() ? row[3].c_str() : configured_time_zone;
  return facts;
}

}  // namespace fleetmcp::db
