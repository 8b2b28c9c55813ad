// The test database seen as its superuser (TESTDB_ADMIN_URL): fingerprints of
// everything an escape could change, and a look at the server's backends.
#pragma once

#include <map>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

#include "test_database.h"

namespace fleetmcp::testing {

class AdminDatabase {
 public:
  AdminDatabase() : connection_(require_url()) {}

  // relation or sequence name → checksum of its rows (or last_value/is_called),
  // plus counts of catalog objects a write could add (relations, functions,
  // large objects, roles).
  std::map<std::string, std::string> fingerprint() {
    pqxx::nontransaction tx{connection_};
    std::map<std::string, std::string> sums;
    for (auto [schema, name, kind] : tx.query<std::string, std::string, std::string>(
             "SELECT n.nspname, c.relname, c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE c.relkind IN ('r', 'm', 'p', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
             "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' ORDER BY 1, 2")) {
      const std::string relation = tx.quote_name(schema) + "." + tx.quote_name(name);
      sums[schema + "." + name] =
          kind == "S" ? tx.query_value<std::string>("SELECT last_value::text || '/' || is_called::text FROM " + relation)
                      : tx.query_value<std::string>(
                            "SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM " + relation +
                            " t");
    }
    sums["#catalog"] = tx.query_value<std::string>(
        "SELECT (SELECT count(*) FROM pg_class)::text || '/' || (SELECT count(*) FROM pg_proc) || '/' || "
        "(SELECT count(*) FROM pg_largeobject_metadata) || '/' || (SELECT count(*) FROM pg_roles) || '/' || "
        "(SELECT count(*) FROM pg_namespace)");
    return sums;
  }

  // Backends of `application_name` still running something other than idle.
  int busy_backends(const std::string& application_name) {
    pqxx::nontransaction tx{connection_};
    return tx.query_value<int>(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = " + tx.quote(application_name) +
        " AND state <> 'idle' AND pid <> pg_backend_pid()");
  }

  pqxx::connection& connection() { return connection_; }

 private:
  static std::string require_url() {
    std::string url = environment_or_empty("TESTDB_ADMIN_URL");
    REQUIRE_MESSAGE(!url.empty(), "TESTDB_ADMIN_URL is not set: run the integration tests through scripts/test");
    return url;
  }

  pqxx::connection connection_;
};

}  // namespace fleetmcp::testing
