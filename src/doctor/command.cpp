#include "doctor/command.h"

#include <functional>
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include "db/connection_options.h"
#include "doctor/database_checks.h"
#include "doctor/function_checks.h"
#include "doctor/network_checks.h"
#include "doctor/replica_check.h"
#include "doctor/role_checks.h"

namespace fleetmcp::doctor {
namespace {

std::string conninfo(std::map<std::string, std::string> params, int connect_timeout_s) {
  params.try_emplace("connect_timeout", std::to_string(connect_timeout_s));
  params["application_name"] = "fleetmcp-doctor";
  return db::conninfo_string(params);
}

Check check_login(const Target& target, const Config& config, std::unique_ptr<pqxx::connection>& connection) {
  const std::string title = "login";
  try {
    connection = std::make_unique<pqxx::connection>(conninfo(target.params, config.connect_timeout_s));
  } catch (const std::exception& failure) {
    const std::string reason = db::libpq_message(failure.what());
    std::string fix = "check the user, password and database name in DATABASE_URL (ask the operator for the "
                      "analytics_ro password; percent-encode special characters)";
    if (reason.find("no pg_hba.conf entry") != std::string::npos)
      fix = "the server does not accept this client address: ask the operator to allow it in pg_hba.conf, or "
            "connect through the SSH tunnel";
    return Check::fail(title, reason, fix);
  }
  // pg_stat_ssl shows this backend's TLS state to any role.
  std::string tls = "TLS not in use";
  pqxx::nontransaction tx{*connection};
  pqxx::row ssl = tx.exec("SELECT ssl, coalesce(version, ''), coalesce(cipher, '') FROM pg_stat_ssl "
                          "WHERE pid = pg_backend_pid()",
                          pqxx::params{})
                      .one_row();
  if (ssl[0].as<bool>()) tls = "TLS in use (" + ssl[1].as<std::string>() + ", " + ssl[2].as<std::string>() + ")";
  return Check::pass(title, "logged in as " + std::string{connection->username()} + " to " + connection->dbname() +
                                " (PostgreSQL " + std::to_string(connection->server_version() / 10000) + "), " + tls);
}

}  // namespace

CLI::App* add_doctor_command(CLI::App& app) {
  return app
      .add_subcommand("doctor",
                      "Check the connection and the role step by step (DSN, host, TCP, TLS, login, privileges, "
                      "schemas, functions); prints the fix for each problem and exits non-zero on any failure (a ⚠ "
                      "warning leaves it 0)")
      ->fallthrough();
}

int run_doctor(const Config& config, std::ostream& out) {
  out << "fleetmcp doctor " << FLEETMCP_VERSION << " — schemas " << config.readable_schemas_text() << '\n';
  constexpr int kChecks = 16;  // the five before login and the eleven after it
  int failures = 0;
  int warnings = 0;
  int reported = 0;
  auto report = [&](const Check& check) {
    print_check(out, check);
    ++reported;
    if (!check.ok) ++failures;
    if (check.warning) ++warnings;
    return check.ok;
  };
  auto finish = [&] {
    int not_run = kChecks - reported;
    if (not_run > 0) out << "  (" << not_run << " further checks not run: fix the first ✘ and run doctor again)\n";
    // A warning leaves the exit code 0: the role is safe to serve as, and the
    // ⚠ line's fix narrows what it can do further.
    out << (failures == 0 ? "all checks passed" : std::to_string(failures) + " check(s) failed")
        << (warnings == 0 ? "" : ", " + std::to_string(warnings) + " warning(s) (⚠ above: apply the fix)") << '\n';
    return failures == 0 ? 0 : 1;
  };

  Target target;
  if (!report(check_dsn(config.database_url, target))) return finish();
  if (!report(check_resolves(target))) return finish();
  if (!report(check_tcp(target, config.connect_timeout_s))) return finish();
  // A login would fail the same way, with a less useful fix.
  if (!report(check_tls(target, config.connect_timeout_s))) return finish();
  std::unique_ptr<pqxx::connection> connection;
  if (!report(check_login(target, config, connection))) return finish();

  try {
    // Read-only whoever we logged in as: doctor itself never writes.
    pqxx::read_transaction tx{*connection};
    report(check_server_reached(*connection, tx, target.params));
    RoleSafety safety = check_role_safety(tx);
    report(check_not_superuser(safety));
    report(check_cannot_write(safety, tx));
    report(check_session_defaults(tx));
    report(check_readable_schemas(tx, config));
    report(check_matviews_granted(tx, config));
    report(check_default_privileges(tx, config));
    report(check_unconfigured_unreadable(tx, config));
    report(check_executable_functions(tx, config));
    report(check_timescaledb(tx, config));
    report(check_time_zone(tx, config));
  } catch (const std::exception& failure) {
    report(Check::fail("catalog queries", failure.what(), "report this output to the operator"));
  }
  return finish();
}

}  // namespace fleetmcp::doctor
