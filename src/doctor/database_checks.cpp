#include "doctor/database_checks.h"

#include <vector>

#include "tools/arguments.h"

namespace fleetmcp::doctor {
namespace {

// Per hypertable of the readable schemas: can the role SELECT it, does
// timescaledb_information show it its time dimension (the catalog tools read
// it there), and how many of its chunks lack the role's SELECT. A chunk copies
// the hypertable's grants when TimescaleDB creates it, so SELECT on the
// hypertable is what keeps tomorrow's chunks readable.
constexpr const char* kHypertableAccess = R"SQL(
SELECT format('%I.%I', h.hypertable_schema, h.hypertable_name),
       has_table_privilege(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass, 'SELECT'),
       EXISTS (SELECT FROM timescaledb_information.dimensions d
               WHERE d.hypertable_schema = h.hypertable_schema AND d.hypertable_name = h.hypertable_name),
       (SELECT count(*) FROM timescaledb_information.chunks c
        WHERE c.hypertable_schema = h.hypertable_schema AND c.hypertable_name = h.hypertable_name
          AND NOT has_table_privilege(format('%I.%I', c.chunk_schema, c.chunk_name)::regclass, 'SELECT')),
       h.num_chunks
FROM timescaledb_information.hypertables h
WHERE h.hypertable_schema = ANY($1::text[])
ORDER BY 1
)SQL";

}  // namespace

Check check_timescaledb(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "TimescaleDB";
  pqxx::row extension = tx.exec("SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),"
                                " coalesce(current_setting('timescaledb.license', true), ''),"
                                " current_setting('server_version')",
                                pqxx::params{})
                            .one_row();
  if (extension[0].is_null())
    return Check::pass(title, "not installed (PostgreSQL " + std::string{extension[2].c_str()} +
                                  "): plain tables only; time_bucket and hypertables are not available");
  const std::string license = extension[1].c_str();
  std::string found = std::string{extension[0].c_str()} + ", " +
                      (license == "timescale" ? "Timescale edition (compression, continuous aggregates)"
                                              : "Apache edition (no compression, no continuous aggregates)");
  const std::string role = tools::quote_identifier(tx.query_value<std::string>("SELECT current_user"));
  std::vector<std::string> readable, problems, fixes;
  long chunks = 0;
  for (const auto& row : tx.exec(kHypertableAccess, pqxx::params{tools::text_array_literal(config.readable_schemas)})) {
    const std::string name = row[0].c_str();
    chunks += row[4].as<long>();
    if (!row[1].as<bool>()) {
      problems.push_back("no SELECT on hypertable " + name + " (nor on the chunks it will create)");
      fixes.push_back("GRANT SELECT ON " + name + " TO " + role + ";");
    } else if (!row[2].as<bool>()) {
      problems.push_back("timescaledb_information does not show " + name + "'s time dimension to the role");
      fixes.push_back("GRANT USAGE ON SCHEMA timescaledb_information TO " + role + ";");
    } else if (row[3].as<long>() > 0) {
      // Reads through the hypertable still work; a direct read of such a chunk does not.
      problems.push_back(std::to_string(row[3].as<long>()) + " chunk(s) of " + name +
                         " lack SELECT (grants were changed on chunks directly)");
      fixes.push_back("GRANT SELECT ON " + name + " TO " + role + ";  (TimescaleDB passes it on to every chunk)");
    } else {
      readable.push_back(name);
    }
  }
  if (!problems.empty()) return Check::fail(title, found + "; " + joined(problems), "run as the owner or a superuser:\n" + joined(fixes, "\n"));
  return Check::pass(title, found + "; " +
                                (readable.empty() ? std::string{"no hypertables in the readable schemas"}
                                                  : std::to_string(readable.size()) + " hypertable(s) readable with " +
                                                        std::to_string(chunks) + " chunks and their metadata: " +
                                                        joined(readable)));
}

Check check_time_zone(pqxx::transaction_base& tx, const Config& config) {
  const std::string title = "time zone";
  const std::string database_zone = tx.query_value<std::string>("SELECT current_setting('TimeZone')");
  if (config.time_zone.empty())
    return Check::pass(title, "MCP_TIME_ZONE is not set: answers use the database's TimeZone " + database_zone +
                                  " (set MCP_TIME_ZONE=Africa/Nairobi if the business counts its days there)");
  // pg_timezone_names is slow (tens of ms) but exact, and doctor runs once.
  pqxx::row zone = tx.exec("SELECT EXISTS (SELECT FROM pg_timezone_names WHERE name = $1),"
                           " (SELECT utc_offset::text FROM pg_timezone_names WHERE name = $1)",
                           pqxx::params{config.time_zone})
                       .one_row();
  if (!zone[0].as<bool>())
    return Check::fail(title, "MCP_TIME_ZONE " + config.time_zone + " is not in pg_timezone_names",
                       "set MCP_TIME_ZONE to a zone name such as Africa/Nairobi (SELECT name FROM pg_timezone_names), "
                       "or unset it to use the database's own (" + database_zone + ")");
  return Check::pass(title, "answers use MCP_TIME_ZONE " + config.time_zone + " (UTC offset " + zone[1].c_str() +
                                " now; the database's own TimeZone is " + database_zone + ")");
}

}  // namespace fleetmcp::doctor
