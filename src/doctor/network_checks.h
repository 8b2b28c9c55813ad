// The doctor's checks before any login: the DSN parses, its hosts resolve,
// a TCP (or unix socket) connection opens, and whether TLS will be used.
#pragma once

#include <sys/socket.h>

#include <map>
#include <string>
#include <vector>

#include "doctor/check.h"

namespace fleetmcp::doctor {

// One host of a (possibly multi-host) DSN and the addresses it resolved to.
struct Endpoint {
  std::string host;      // name, IP, or a unix socket directory
  std::string hostaddr;  // set when the DSN gives hostaddr: no lookup is done
  int port = 5432;
  std::vector<sockaddr_storage> addresses;

  bool is_unix_socket() const { return !host.empty() && (host[0] == '/' || host[0] == '@'); }
  std::string socket_path() const { return host + "/.s.PGSQL." + std::to_string(port); }
};

struct Target {
  std::map<std::string, std::string> params;  // as libpq parsed them (no defaults added)
  std::vector<Endpoint> endpoints;
  std::string sslmode;  // "prefer" when unset, as libpq does
};

// Parses the DSN (throws std::invalid_argument with libpq's reason).
Target parse_target(const std::string& dsn);

Check check_dsn(const std::string& dsn, Target& target);
Check check_resolves(Target& target);
Check check_tcp(const Target& target, int timeout_s);
Check check_tls(const Target& target, int timeout_s);

// What the server answers to an SSLRequest: 'S' (offers TLS), 'N' (does not),
// or 0 when nothing usable came back.
char probe_tls(const sockaddr_storage& address, int timeout_s);

// Splits a libpq host or port list ("a,b") into its items.
std::vector<std::string> split_host_list(const std::string& text);

}  // namespace fleetmcp::doctor
