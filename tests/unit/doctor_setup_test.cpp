// The pure parts of the analyst setup: doctor's DSN reading and output, the
// ssh command line and DSN rewrite for --ssh, and the generated client config.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "claude_config.h"
#include "db/connection_options.h"
#include "doctor/check.h"
#include "doctor/network_checks.h"
#include "ssh_tunnel.h"

namespace fleetmcp {

TEST_CASE("doctor: a multi-host DSN gives one endpoint per host, ports paired") {
  doctor::Target target = doctor::parse_target("host=a,b port=5432,6432 user=analytics_ro dbname=tracksolid_db");
  REQUIRE(target.endpoints.size() == 2);
  CHECK(target.endpoints[0].host == "a");
  CHECK(target.endpoints[0].port == 5432);
  CHECK(target.endpoints[1].host == "b");
  CHECK(target.endpoints[1].port == 6432);
  CHECK(target.sslmode == "prefer");
}

TEST_CASE("doctor: URL DSN, hostaddr, sslmode and a socket directory") {
  doctor::Target url = doctor::parse_target("postgresql://u:p@db.example:15432/x?sslmode=require");
  CHECK(url.endpoints.at(0).host == "db.example");
  CHECK(url.endpoints.at(0).port == 15432);
  CHECK(url.sslmode == "require");
  doctor::Target addr = doctor::parse_target("host=timescale_db hostaddr=127.0.0.1 port=5000 user=u");
  CHECK(addr.endpoints.at(0).hostaddr == "127.0.0.1");
  doctor::Target socket = doctor::parse_target("host=/run/pg port=5433 user=u");
  CHECK(socket.endpoints.at(0).is_unix_socket());
  CHECK(socket.endpoints.at(0).socket_path() == "/run/pg/.s.PGSQL.5433");
  CHECK_THROWS_AS(doctor::parse_target("host=a port=x user=u"), std::invalid_argument);
}

TEST_CASE("doctor: the DSN check masks the password and fails without a user") {
  doctor::Target target;
  doctor::Check ok = doctor::check_dsn("postgresql://analytics_ro:s3cret@h:1/db", target);
  CHECK(ok.ok);
  CHECK(ok.detail.find("s3cret") == std::string::npos);
  CHECK(ok.detail.find("****") != std::string::npos);
  CHECK_FALSE(doctor::check_dsn("", target).ok);
  CHECK_FALSE(doctor::check_dsn("postgresql://h:1/db", target).ok);
}

TEST_CASE("doctor: a failed check prints its fix indented, line by line") {
  std::ostringstream out;
  doctor::print_check(out, doctor::Check::fail("login", "refused", "first\nsecond"));
  CHECK(out.str() == "✘ login: refused\n    fix: first\n         second\n");
  std::ostringstream good;
  doctor::print_check(good, doctor::Check::pass("TLS", "in use"));
  CHECK(good.str() == "✔ TLS: in use\n");
}

TEST_CASE("--ssh: the ssh command forwards loopback only, in batch mode, destination last") {
  SshSettings settings{"-oProxyCommand=x", "timescale_db:5432", {"Port=2222"}, 7};
  std::vector<std::string> command = ssh_command(settings, 40000);
  CHECK(command.at(0) == "ssh");
  CHECK(command.at(1) == "-N");
  CHECK(command.at(3) == "127.0.0.1:40000:timescale_db:5432");
  for (const char* option : {"ExitOnForwardFailure=yes", "BatchMode=yes", "ServerAliveInterval=15", "ConnectTimeout=7",
                             "Port=2222"})
    CHECK(std::find(command.begin(), command.end(), option) != command.end());
  CHECK(command.at(command.size() - 2) == "--");
  CHECK(command.back() == "-oProxyCommand=x");
}

TEST_CASE("--ssh: the DSN keeps user, password and database; host and port become the tunnel's") {
  std::string rewritten =
      dsn_through_tunnel("postgresql://analytics_ro:p%40ss@timescale_db:5432/tracksolid_db?application_name=x", 40000,
                         "timescale_db:5432");
  CHECK(rewritten.find("host='127.0.0.1'") != std::string::npos);
  CHECK(rewritten.find("port='40000'") != std::string::npos);
  CHECK(rewritten.find("password='p@ss'") != std::string::npos);
  CHECK(rewritten.find("dbname='tracksolid_db'") != std::string::npos);
  CHECK(rewritten.find("application_name='x'") != std::string::npos);
  std::string verified = dsn_through_tunnel("host=db user=u sslmode=verify-full", 1, "db.internal:5432");
  CHECK(verified.find("host='db.internal'") != std::string::npos);
  CHECK(verified.find("hostaddr='127.0.0.1'") != std::string::npos);
  CHECK_THROWS_WITH_AS(dsn_through_tunnel("host=a port", 1, "t:1"), doctest::Contains("DATABASE_URL cannot be parsed"),
                       std::invalid_argument);
}

TEST_CASE("--ssh: a DSN with several hosts is refused, naming the hosts and the way to forward each") {
  for (const char* dsn : {"postgresql://u:p@primary:5432,standby:5432/db?target_session_attrs=prefer-standby",
                          "host=primary,standby port=5432,5433 user=u", "hostaddr=10.0.0.1,10.0.0.2 user=u"}) {
    CAPTURE(dsn);
    CHECK_THROWS_WITH_AS(dsn_through_tunnel(dsn, 1, "timescale_db:5432"), doctest::Contains("several hosts"),
                         std::invalid_argument);
  }
  CHECK_THROWS_WITH_AS(dsn_through_tunnel("host=primary,standby user=u", 1, "timescale_db:5432"),
                       doctest::Contains("-L 15432:primary:5432 -L 15433:standby:5432"), std::invalid_argument);
}

TEST_CASE("--ssh: the rewritten DSN parses back to the same values, quotes and all") {
  auto params = db::parse_dsn(dsn_through_tunnel("host=db user='o\\'neil' password='a b\\\\c'", 5, "db:5432"));
  CHECK(params.at("user") == "o'neil");
  CHECK(params.at("password") == "a b\\c");
  CHECK(params.at("host") == "127.0.0.1");
  CHECK(params.at("port") == "5");
}

TEST_CASE("doctor: parse_target keeps the DSN's non-empty parameters and the reason alone") {
  doctor::Target target = doctor::parse_target("host=a user=u options='' sslmode=verify-full");
  CHECK(target.params.at("user") == "u");
  CHECK(target.params.count("options") == 0);
  CHECK(target.sslmode == "verify-full");
  // The doctor names the setting in its own line; the reason is libpq's alone.
  try {
    doctor::parse_target("host=a port");
    FAIL("no exception");
  } catch (const std::invalid_argument& failure) {
    CHECK(std::string(failure.what()).find("DATABASE_URL") == std::string::npos);
  }
}

TEST_CASE("config: Claude Desktop stdio config with --ssh, and hosted through mcp-remote") {
  ClientSetup setup;
  setup.binary = "/opt/fleetmcp";
  setup.database_url = "postgresql://analytics_ro:pw@localhost/tracksolid_db";
  setup.ssh = "me@db";
  auto stdio = nlohmann::json::parse(claude_desktop_config(setup))["mcpServers"]["fleetmcp"];
  CHECK(stdio["command"] == "/opt/fleetmcp");
  CHECK(stdio["args"] == nlohmann::json::array({"--ssh", "me@db"}));
  CHECK(stdio["env"]["DATABASE_URL"] == setup.database_url);
  setup.hosted_url = "https://fleetmcp.fivetitude.com/mcp";
  setup.token = "tok";
  auto hosted = nlohmann::json::parse(claude_desktop_config(setup))["mcpServers"]["fleetmcp"];
  CHECK(hosted["command"] == "npx");
  CHECK(hosted["args"][2] == setup.hosted_url);
  CHECK(hosted["env"]["FLEETMCP_AUTH_HEADER"] == "Bearer tok");
}

TEST_CASE("config: Claude Code commands quote what the shell would split") {
  ClientSetup setup;
  setup.binary = "/opt/my tools/fleetmcp";
  setup.database_url = "postgresql://analytics_ro:it's@localhost/tracksolid_db";
  CHECK(claude_code_command(setup) ==
        "claude mcp add --transport stdio --env 'DATABASE_URL=postgresql://analytics_ro:it'\\''s@localhost/"
        "tracksolid_db' fleetmcp -- '/opt/my tools/fleetmcp'\n");
  setup.hosted_url = "https://fleetmcp.fivetitude.com/mcp";
  setup.token = "abc";
  CHECK(claude_code_command(setup) ==
        "claude mcp add --transport http fleetmcp https://fleetmcp.fivetitude.com/mcp --header 'Authorization: Bearer "
        "abc'\n");
}

}  // namespace fleetmcp
