// `fleetmcp doctor` and serve's role guard against the test database: all ✔
// as analytics_ro, ✘ with the fix as the superuser or the owning role, and
// for a port nobody listens on.
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <sstream>

#include <pqxx/pqxx>

#include "doctor/command.h"
#include "doctor/role_guard.h"
#include "test_database.h"

namespace fleetmcp::doctor {
namespace {

using testing::environment_or_empty;
using testing::require_database_url;

struct DoctorRun {
  int exit_code;
  std::string output;
};

// The fixture schema "Odd Schema" is granted to analytics_ro, so a complete
// configuration names it; the default one does not.
Config config_for(const std::string& url, bool with_odd_schema = true) {
  Config config;
  config.database_url = url;
  config.connect_timeout_s = 5;
  if (with_odd_schema) config.readable_schemas.push_back("Odd Schema");
  return config;
}

DoctorRun doctor(const Config& config) {
  std::ostringstream out;
  int code = run_doctor(config, out);
  return {code, out.str()};
}

std::string admin_url() {
  std::string url = environment_or_empty("TESTDB_ADMIN_URL");
  REQUIRE_MESSAGE(!url.empty(), "TESTDB_ADMIN_URL is not set: run through scripts/test");
  return url;
}

// The fixture does not give analytics_ro default privileges in "Odd Schema";
// the clean run adds them for its duration, as an operator adding a schema would.
struct OddSchemaDefaultPrivileges {
  OddSchemaDefaultPrivileges() { run("GRANT"); }
  ~OddSchemaDefaultPrivileges() { run("REVOKE"); }
  static void run(const std::string& verb) {
    pqxx::connection admin{admin_url()};
    pqxx::nontransaction tx{admin};
    tx.exec("ALTER DEFAULT PRIVILEGES FOR ROLE tracksolid_owner IN SCHEMA \"Odd Schema\" " + verb +
            " SELECT ON TABLES " + (verb == "GRANT" ? "TO" : "FROM") + " analytics_ro");
  }
};

// A change the superuser makes for one test case and undoes after it.
struct AdminChange {
  std::string undo;
  AdminChange(const std::string& change, std::string undo_statement) : undo(std::move(undo_statement)) { run(change); }
  ~AdminChange() { run(undo); }
  static void run(const std::string& statement) {
    pqxx::connection admin{admin_url()};
    pqxx::nontransaction tx{admin};
    tx.exec(statement);
  }
};

int unused_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);  // nobody listens there now
  return ntohs(address.sin_port);
}

int failed_lines(const std::string& output) {
  int count = 0;
  for (std::size_t at = output.find("✘"); at != std::string::npos; at = output.find("✘", at + 1)) ++count;
  return count;
}

TEST_CASE("doctor: reports TimescaleDB's version and edition, the hypertables readable, and the time zone") {
  OddSchemaDefaultPrivileges grants;
  Config config = config_for(require_database_url());
  config.time_zone = "Africa/Nairobi";
  // serve accepts timescaledb_information as a readable schema; so does doctor.
  config.readable_schemas.push_back("timescaledb_information");
  DoctorRun run = doctor(config);
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("✔ TimescaleDB: 2.19.3, Apache edition (no compression, no continuous aggregates); 3 "
                        "hypertable(s) readable") != std::string::npos);
  CHECK(run.output.find("fuel.records, tracksolid.events, tracksolid.positions") != std::string::npos);
  CHECK(run.output.find("✔ time zone: answers use MCP_TIME_ZONE Africa/Nairobi (UTC offset 03:00:00") !=
        std::string::npos);
  CHECK(run.output.find("timescaledb_information (") != std::string::npos);

  config.time_zone = "Mars/Olympus_Mons";
  DoctorRun wrong = doctor(config);
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.output.find("✘ time zone: MCP_TIME_ZONE Mars/Olympus_Mons is not in pg_timezone_names") !=
        std::string::npos);
}

TEST_CASE("doctor: every check passes as analytics_ro with the complete schema list") {
  OddSchemaDefaultPrivileges grants;
  DoctorRun run = doctor(config_for(require_database_url()));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(failed_lines(run.output) == 0);
  CHECK(run.output.find("all checks passed") != std::string::npos);
  for (const char* title : {"DSN parses", "host resolves", "TCP reachable", "TLS", "login", "server reached",
                            "not a superuser",
                            "cannot write anywhere", "session defaults", "MCP_READABLE_SCHEMAS matches",
                            "materialized views granted", "default privileges", "no access outside", "TimescaleDB",
                            "time zone"})
    CHECK_MESSAGE(run.output.find(std::string{"✔ "} + title) != std::string::npos, "no ✔ for " << title);
  CHECK(run.output.find("temp_file_limit 1048576 kB") != std::string::npos);
  CHECK(run.output.find(":****@") != std::string::npos);  // the password is masked
  CHECK(run.output.find("infrastructure") != std::string::npos);
  CHECK(run.output.find("TLS not in use") != std::string::npos);
  CHECK(run.output.find("✔ server reached: 127.0.0.1:") != std::string::npos);
  CHECK(run.output.find(": the primary (not in recovery)") != std::string::npos);
  std::string password = require_database_url();
  password = password.substr(password.find(':', 14) + 1);
  password = password.substr(0, password.find('@'));
  CHECK(run.output.find(password) == std::string::npos);
}

// The demo's SECURITY DEFINER function, and a volatile one the superuser makes
// in a readable schema for this test.
TEST_CASE("doctor: SECURITY DEFINER and volatile functions are a warning with their REVOKE and GRANT, exit code 0") {
  OddSchemaDefaultPrivileges grants;
  AdminChange function{"CREATE FUNCTION \"Odd Schema\".next_ticket(step integer) RETURNS bigint LANGUAGE plpgsql "
                       "AS $$BEGIN RETURN step; END$$",
                       "DROP FUNCTION \"Odd Schema\".next_ticket(integer)"};
  DoctorRun run = doctor(config_for(require_database_url()));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("⚠ functions the role can execute: 1 SECURITY DEFINER function(s) write with their owner's "
                        "rights, which only fleetmcp's READ ONLY transaction stops: reporting.refresh_v_trips() "
                        "(SECURITY DEFINER, runs as postgres, plpgsql, EXECUTE through PUBLIC)") != std::string::npos);
  CHECK(run.output.find("REVOKE EXECUTE ON FUNCTION reporting.refresh_v_trips() FROM PUBLIC, \"analytics_ro\";") !=
        std::string::npos);
  CHECK(run.output.find("GRANT EXECUTE ON FUNCTION reporting.refresh_v_trips() TO \"postgres\";") != std::string::npos);
  CHECK(run.output.find("1 volatile function(s) whose bodies fleetmcp's side-effect check cannot see into unless "
                        "they are inlinable SQL: \"Odd Schema\".next_ticket(integer) (volatile, plpgsql, EXECUTE "
                        "through PUBLIC)") != std::string::npos);
  CHECK(run.output.find("REVOKE EXECUTE ON FUNCTION \"Odd Schema\".next_ticket(integer) FROM PUBLIC, "
                        "\"analytics_ro\";") != std::string::npos);
  CHECK(run.output.find("all checks passed, 1 warning(s)") != std::string::npos);
}

// The fix doctor prints, applied (and undone afterwards): the warning turns into a pass.
TEST_CASE("doctor: with the REVOKE applied, no function is listed") {
  OddSchemaDefaultPrivileges grants;
  AdminChange revoked{"REVOKE EXECUTE ON FUNCTION reporting.refresh_v_trips() FROM PUBLIC, analytics_ro",
                      "GRANT EXECUTE ON FUNCTION reporting.refresh_v_trips() TO PUBLIC, analytics_ro"};
  DoctorRun run = doctor(config_for(require_database_url()));
  INFO(run.output);
  CHECK(run.exit_code == 0);
  CHECK(run.output.find("✔ functions the role can execute: no SECURITY DEFINER or volatile function in the readable "
                        "schemas") != std::string::npos);
  CHECK(run.output.find("warning") == std::string::npos);
}

TEST_CASE("doctor: a readable schema missing from MCP_READABLE_SCHEMAS is reported with both fixes") {
  DoctorRun run = doctor(config_for(require_database_url(), false));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("✘ MCP_READABLE_SCHEMAS matches") != std::string::npos);
  CHECK(run.output.find("schema Odd Schema is readable") != std::string::npos);
  CHECK(run.output.find("REVOKE ALL ON SCHEMA \"Odd Schema\" FROM \"analytics_ro\"") != std::string::npos);
  CHECK(run.output.find("✘ no access outside MCP_READABLE_SCHEMAS") != std::string::npos);
}

TEST_CASE("doctor: a configured schema the role cannot read is reported") {
  OddSchemaDefaultPrivileges grants;
  Config config = config_for(require_database_url());
  config.readable_schemas.push_back("infrastructure");
  DoctorRun run = doctor(config);
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("configured schema infrastructure is not readable (no USAGE)") != std::string::npos);
  CHECK(run.output.find("GRANT USAGE ON SCHEMA \"infrastructure\" TO \"analytics_ro\"") != std::string::npos);
}

TEST_CASE("doctor: the superuser fails the role checks, each with a fix") {
  DoctorRun run = doctor(config_for(admin_url()));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("✔ login") != std::string::npos);
  CHECK(run.output.find("✘ not a superuser: postgres is a superuser") != std::string::npos);
  CHECK(run.output.find("✘ cannot write anywhere") != std::string::npos);
  CHECK(run.output.find("✘ session defaults") != std::string::npos);
  CHECK(run.output.find("ALTER ROLE \"postgres\" SET default_transaction_read_only = on;") != std::string::npos);
  // The superuser has no temp_file_limit (-1): a hostile sort could fill the disk.
  CHECK(run.output.find("temp_file_limit is -1 (no limit), more than 1GB") != std::string::npos);
  CHECK(run.output.find("ALTER ROLE \"postgres\" SET temp_file_limit = '1GB';") != std::string::npos);
  CHECK(run.output.find("fix: connect as the read-only role analytics_ro") != std::string::npos);
}

TEST_CASE("doctor: the owning role can write and create, and doctor says where") {
  std::string owner = environment_or_empty("TESTDB_OWNER_URL");
  REQUIRE(!owner.empty());
  DoctorRun run = doctor(config_for(owner));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("✔ not a superuser") != std::string::npos);
  CHECK(run.output.find("✘ cannot write anywhere: tracksolid_owner can write to") != std::string::npos);
  CHECK(run.output.find("tracksolid.devices (INSERT, UPDATE, DELETE, TRUNCATE)") != std::string::npos);
  CHECK(run.output.find("can CREATE in schema tracksolid") != std::string::npos);
  CHECK(run.output.find("REVOKE CREATE ON SCHEMA tracksolid FROM \"tracksolid_owner\"") != std::string::npos);
}

TEST_CASE("doctor: a port nobody listens on fails at TCP and stops there") {
  std::string url = require_database_url();
  std::string port = environment_or_empty("TESTDB_PORT");
  REQUIRE(!port.empty());
  url.replace(url.find(":" + port + "/"), port.size() + 1, ":" + std::to_string(unused_port()));
  DoctorRun run = doctor(config_for(url));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("✔ host resolves: 127.0.0.1") != std::string::npos);
  CHECK(run.output.find("✘ TCP reachable") != std::string::npos);
  CHECK(run.output.find("Connection refused") != std::string::npos);
  CHECK(run.output.find("ssh -N -L") != std::string::npos);
  CHECK(run.output.find("login") == std::string::npos);
  CHECK(run.output.find("13 further checks not run") != std::string::npos);
}

TEST_CASE("doctor: sslmode=require against a server without TLS fails at TLS") {
  DoctorRun run = doctor(config_for(require_database_url() + "?sslmode=require"));
  INFO(run.output);
  CHECK(run.exit_code == 1);
  CHECK(run.output.find("✘ TLS: sslmode=require but the server") != std::string::npos);
}

TEST_CASE("doctor: an unparsable DSN and an unknown host") {
  DoctorRun bad = doctor(config_for("postgresql://analytics_ro:secret@127.0.0.1:notaport/db"));
  INFO(bad.output);
  CHECK(bad.exit_code == 1);
  CHECK(bad.output.find("✘ DSN parses") != std::string::npos);
  CHECK(bad.output.find("secret") == std::string::npos);
  DoctorRun unknown = doctor(config_for("postgresql://analytics_ro:secret@timescale-db.invalid:5432/tracksolid_db"));
  INFO(unknown.output);
  CHECK(unknown.output.find("✘ host resolves: cannot resolve timescale-db.invalid") != std::string::npos);
}

tools::ToolResult call_guarded(const std::string& url, bool allow_unsafe) {
  Config config;
  config.database_url = url;
  config.caller = "integration";
  db::Session session{url, db::SessionDefaults{30, 5, "fleetmcp-test", ""}};
  tools::ToolEnvironment environment{config, session};
  RoleGuard guard{session, allow_unsafe};
  tools::ToolRegistry registry = guard.guard(tools::make_toolbox(environment));
  tools::CallContext context;
  context.caller = "integration";
  return registry.find("query")->handler({{"sql", "SELECT 1 AS one"}}, context);
}

TEST_CASE("serve's role guard: analytics_ro runs tools; the superuser and the owner get the refusal") {
  CHECK_FALSE(call_guarded(require_database_url(), false).is_error);
  for (const std::string& url : {admin_url(), environment_or_empty("TESTDB_OWNER_URL")}) {
    tools::ToolResult refused = call_guarded(url, false);
    INFO(refused.text);
    CHECK(refused.is_error);
    CHECK(refused.text.find("refuses to serve") != std::string::npos);
    CHECK(refused.text.find("fleetmcp doctor") != std::string::npos);
    CHECK(refused.text.find("--allow-unsafe-role") != std::string::npos);
  }
  CHECK(call_guarded(admin_url(), false).text.find("postgres is a superuser") != std::string::npos);
  CHECK_FALSE(call_guarded(admin_url(), true).is_error);
}

}  // namespace
}  // namespace fleetmcp::doctor
