#include "doctor/replica_check.h"

#include <cmath>
#include <cstdio>

#include "doctor/network_checks.h"

namespace fleetmcp::doctor {
namespace {

// Replay lag two ways: the age of the last replayed transaction (grows on an
// idle primary too, so it is an upper bound) and whether everything the
// standby received is replayed. Every function here is callable by any role.
constexpr const char* kRecoveryState = R"SQL(
SELECT pg_is_in_recovery(),
       extract(epoch FROM now() - pg_last_xact_replay_timestamp()),
       pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())
)SQL";

std::string param(const std::map<std::string, std::string>& params, const std::string& key) {
  const auto found = params.find(key);
  return found == params.end() ? std::string{} : found->second;
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds < 10 ? "%.1f s" : "%.0f s", seconds);
  return text;
}

// "host 2 of 2 (target_session_attrs=prefer-standby)", or "" for one host.
std::string host_choice(const std::map<std::string, std::string>& params, const std::string& reached_host,
                        const std::string& reached_port) {
  const std::string hosts_text = param(params, "host").empty() ? param(params, "hostaddr") : param(params, "host");
  const std::vector<std::string> hosts = split_host_list(hosts_text);
  if (hosts.size() < 2) return "";
  const std::vector<std::string> ports = split_host_list(param(params, "port"));
  std::string position;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const std::string port = ports.size() == 1 ? ports[0] : (i < ports.size() ? ports[i] : "");
    if (hosts[i] == reached_host && (port.empty() ? "5432" : port) == reached_port)
      position = "host " + std::to_string(i + 1) + " of " + std::to_string(hosts.size());
  }
  if (position.empty()) position = "one of " + std::to_string(hosts.size()) + " hosts";
  const std::string attrs = param(params, "target_session_attrs");
  return " (" + position + ", target_session_attrs=" + (attrs.empty() ? "any" : attrs) + ")";
}

}  // namespace

Check check_server_reached(const pqxx::connection& connection, pqxx::transaction_base& tx,
                           const std::map<std::string, std::string>& params) {
  const std::string title = "server reached";
  const std::string host = connection.hostname() == nullptr ? "" : connection.hostname();
  const std::string port = connection.port() == nullptr ? "" : connection.port();
  const std::string reached = host + ":" + port + host_choice(params, host, port);
  const pqxx::row state = tx.exec(kRecoveryState, pqxx::params{}).one_row();
  const bool several_hosts = !host_choice(params, host, port).empty();
  if (!state[0].as<bool>()) {
    std::string detail = reached + ": the primary (not in recovery)";
    if (several_hosts && param(params, "target_session_attrs").empty())
      detail += "; libpq takes the first host that answers, whatever its role — add "
                "target_session_attrs=prefer-standby to DATABASE_URL to send analytics to a standby when one is up";
    return Check::pass(title, detail);
  }
  std::string lag = state[1].is_null() ? "no transaction replayed yet"
                                       : "last replayed transaction " + seconds_text(state[1].as<double>()) + " old";
  if (state[2].as<bool>()) {
    lag += ", all WAL received is replayed";
  } else if (!state[3].is_null()) {
    lag += ", " + std::to_string(static_cast<long long>(std::llround(state[3].as<double>()))) +
           " bytes of received WAL not yet replayed";
  }
  return Check::pass(title, reached + ": a streaming standby (read replica; answers are as fresh as its replay): " +
                                lag + ". A session stays on this host until its connection breaks; then libpq "
                                      "chooses again");
}

}  // namespace fleetmcp::doctor
