#include "doctor/network_checks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "db/connection_options.h"
#include "doctor/certificate_check.h"

namespace fleetmcp::doctor {
namespace {

const char* const kTunnelFix =
    "is the SSH tunnel up? Either let fleetmcp open it: fleetmcp --ssh user@host doctor\n"
    "or open it yourself: ssh -N -L 15432:timescale_db:5432 user@host  (then use localhost:15432 in DATABASE_URL)";

std::string param(const Target& target, const std::string& key) {
  auto found = target.params.find(key);
  return found == target.params.end() ? std::string{} : found->second;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string{} : value;
}

std::string address_text(const sockaddr_storage& address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(address).sin_addr, text, sizeof text);
  else if (address.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(address).sin6_addr, text, sizeof text);
  else if (address.ss_family == AF_UNIX)
    return reinterpret_cast<const sockaddr_un&>(address).sun_path;
  return text;
}

socklen_t address_length(const sockaddr_storage& address) {
  switch (address.ss_family) {
    case AF_INET: return sizeof(sockaddr_in);
    case AF_INET6: return sizeof(sockaddr_in6);
    default: return sizeof(sockaddr_un);
  }
}

struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// A non-blocking connect bounded by timeout_s; returns the socket or -1 with errno set.
int connect_within(const sockaddr_storage& address, int timeout_s) {
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), address_length(address)) == 0) return fd;
  if (errno != EINPROGRESS) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  pollfd waiting{fd, POLLOUT, 0};
  int ready = ::poll(&waiting, 1, timeout_s * 1000);
  int error = ETIMEDOUT;
  socklen_t length = sizeof error;
  if (ready == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
  if (error != 0) {
    ::close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

sockaddr_storage unix_address(const std::string& path) {
  sockaddr_storage storage{};
  auto& address = reinterpret_cast<sockaddr_un&>(storage);
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
  return storage;
}

std::string endpoint_text(const Endpoint& endpoint) {
  if (endpoint.is_unix_socket()) return endpoint.socket_path();
  return (endpoint.host.empty() ? endpoint.hostaddr : endpoint.host) + ":" + std::to_string(endpoint.port);
}

}  // namespace

std::vector<std::string> split_host_list(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = text.find(',', start);
    items.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

Target parse_target(const std::string& dsn) {
  Target target;
  target.params = db::parse_dsn(dsn);

  // Like libpq: the DSN first, then PGHOST/PGPORT, then the local socket and 5432.
  std::string hosts = param(target, "host");
  if (hosts.empty()) hosts = environment("PGHOST");
  std::string hostaddrs = param(target, "hostaddr");
  std::string ports = param(target, "port");
  if (ports.empty()) ports = environment("PGPORT");
  std::vector<std::string> host_list = split_host_list(hosts.empty() && hostaddrs.empty() ? "/var/run/postgresql" : hosts);
  std::vector<std::string> addr_list = hostaddrs.empty() ? std::vector<std::string>{} : split_host_list(hostaddrs);
  std::vector<std::string> port_list = ports.empty() ? std::vector<std::string>{"5432"} : split_host_list(ports);
  std::size_t count = std::max(host_list.size(), addr_list.size());
  for (std::size_t i = 0; i < count; ++i) {
    Endpoint endpoint;
    if (i < host_list.size()) endpoint.host = host_list[i];
    if (i < addr_list.size()) endpoint.hostaddr = addr_list[i];
    const std::string& port = port_list.size() == 1 ? port_list[0] : (i < port_list.size() ? port_list[i] : "");
    try {
      endpoint.port = std::stoi(port.empty() ? "5432" : port);
    } catch (const std::exception&) {
      throw std::invalid_argument("invalid port \"" + port + "\"");
    }
    target.endpoints.push_back(endpoint);
  }
  target.sslmode = param(target, "sslmode");
  if (target.sslmode.empty()) target.sslmode = environment("PGSSLMODE");
  if (target.sslmode.empty()) target.sslmode = "prefer";
  return target;
}

Check check_dsn(const std::string& dsn, Target& target) {
  const std::string title = "DSN parses";
  if (dsn.empty())
    return Check::fail(title, "DATABASE_URL is not set",
                       "export DATABASE_URL=postgresql://analytics_ro:PASSWORD@localhost:15432/tracksolid_db\n"
                       "(the operator gives you the password; see docs/ANALYST.md)");
  try {
    target = parse_target(dsn);
  } catch (const std::invalid_argument& bad) {
    return Check::fail(title, db::mask_password(dsn) + " cannot be parsed: " + bad.what(),
                       "write it as postgresql://USER:PASSWORD@HOST:PORT/DBNAME; percent-encode special "
                       "characters in the password (@ → %40, : → %3A, / → %2F)");
  }
  std::string hosts;
  for (const Endpoint& endpoint : target.endpoints) hosts += (hosts.empty() ? "" : ", ") + endpoint_text(endpoint);
  std::string user = param(target, "user");
  std::string detail = db::mask_password(dsn) + " → " + hosts + ", user " + (user.empty() ? "(the OS user)" : user) +
                       ", database " + (param(target, "dbname").empty() ? "(same as user)" : param(target, "dbname")) +
                       ", sslmode " + target.sslmode;
  if (user.empty())
    return Check::fail(title, detail, "name the role in the DSN: postgresql://analytics_ro:PASSWORD@HOST:PORT/tracksolid_db");
  return Check::pass(title, detail);
}

Check check_resolves(Target& target) {
  const std::string title = "host resolves";
  std::string found;
  for (Endpoint& endpoint : target.endpoints) {
    endpoint.addresses.clear();
    std::string shown;
    if (endpoint.is_unix_socket()) {
      endpoint.addresses.push_back(unix_address(endpoint.socket_path()));
      shown = endpoint.host + " (unix socket directory)";
    } else {
      const std::string& name = endpoint.hostaddr.empty() ? endpoint.host : endpoint.hostaddr;
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      if (!endpoint.hostaddr.empty()) hints.ai_flags = AI_NUMERICHOST;
      addrinfo* results = nullptr;
      int status = ::getaddrinfo(name.c_str(), std::to_string(endpoint.port).c_str(), &hints, &results);
      if (status != 0)
        return Check::fail(title, "cannot resolve " + name + ": " + gai_strerror(status),
                           "check the host name in DATABASE_URL. The database host name (e.g. timescale_db) is "
                           "known only on the server: from a laptop use localhost and an SSH tunnel.\n" +
                               std::string{kTunnelFix});
      for (addrinfo* info = results; info != nullptr; info = info->ai_next) {
        sockaddr_storage storage{};
        std::memcpy(&storage, info->ai_addr, info->ai_addrlen);
        endpoint.addresses.push_back(storage);
      }
      ::freeaddrinfo(results);
      shown = name + " → ";
      for (std::size_t i = 0; i < endpoint.addresses.size(); ++i)
        shown += (i > 0 ? ", " : "") + address_text(endpoint.addresses[i]);
      if (!endpoint.hostaddr.empty()) shown += " (hostaddr: no lookup)";
    }
    found += (found.empty() ? "" : "; ") + shown;
  }
  return Check::pass(title, found);
}

Check check_tcp(const Target& target, int timeout_s) {
  const std::string title = "TCP reachable";
  std::string failures;
  for (const Endpoint& endpoint : target.endpoints) {
    for (const sockaddr_storage& address : endpoint.addresses) {
      FileDescriptor socket{connect_within(address, timeout_s)};
      if (socket.fd >= 0)
        return Check::pass(title, endpoint_text(endpoint) + " accepts connections (" + address_text(address) + ")");
      failures += (failures.empty() ? "" : "; ") + address_text(address) + ":" + std::to_string(endpoint.port) + " " +
                  std::strerror(errno);
    }
  }
  return Check::fail(title, "no address accepts connections: " + failures,
                     "is PostgreSQL running there and is this the right port?\n" + std::string{kTunnelFix});
}

char probe_tls(const sockaddr_storage& address, int timeout_s) {
  FileDescriptor socket{connect_within(address, timeout_s)};
  if (socket.fd < 0) return 0;
  // SSLRequest: length 8, code 1234.5679 (80877103), both big-endian.
  const unsigned char request[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
  if (::send(socket.fd, request, sizeof request, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof request)) return 0;
  pollfd waiting{socket.fd, POLLIN, 0};
  if (::poll(&waiting, 1, timeout_s * 1000) != 1) return 0;
  char answer = 0;
  return ::recv(socket.fd, &answer, 1, 0) == 1 ? answer : 0;
}

Check check_tls(const Target& target, int timeout_s) {
  const std::string title = "TLS";
  const std::string& mode = target.sslmode;
  if (mode == "disable") return Check::pass(title, "not in use (sslmode=disable); fine over an SSH tunnel or loopback");
  const Endpoint* endpoint = nullptr;
  for (const Endpoint& candidate : target.endpoints)
    if (!candidate.addresses.empty() && !candidate.is_unix_socket()) endpoint = &candidate;
  if (endpoint == nullptr) return Check::pass(title, "not used on a unix socket");
  // The first address that answers: "localhost" gives ::1 first, where a
  // server listening on 127.0.0.1 only is not.
  char answer = 0;
  for (const sockaddr_storage& address : endpoint->addresses)
    if ((answer = probe_tls(address, timeout_s)) != 0) break;
  bool required = mode == "require" || mode == "verify-ca" || mode == "verify-full";
  if (answer == 'S') {
    std::string detail = "in use: the server offers TLS and sslmode=" + mode;
    if (mode == "verify-ca" || mode == "verify-full") {
      std::string root = param(target, "sslrootcert");
      if (root.empty()) root = environment("HOME") + "/.postgresql/root.crt";
      if (root != "system" && ::access(root.c_str(), R_OK) != 0)
        return Check::fail(title, detail + ", but the CA file " + root + " cannot be read",
                           "set sslrootcert=/path/to/ca.crt in DATABASE_URL (ask the operator for the CA certificate)");
      if (auto refusal = certificate_refusal(target, timeout_s))
        return Check::fail(title, detail + ", but " + *refusal,
                           certificate_fix(*refusal, root, endpoint->host.empty() ? endpoint->hostaddr : endpoint->host));
      detail += ", certificate verified (CA " + root + ")";
    }
    if (mode == "allow") detail = "not in use unless the server insists (sslmode=allow); the server offers TLS";
    return Check::pass(title, detail);
  }
  if (answer == 'N') {
    if (required)
      return Check::fail(title, "sslmode=" + mode + " but the server at " + endpoint_text(*endpoint) + " does not offer TLS",
                         "over an SSH tunnel TLS is not needed: use sslmode=prefer or disable; otherwise ask the "
                         "operator to enable ssl on the server");
    return Check::pass(title, "not in use: the server does not offer it (sslmode=" + mode +
                                  "); the traffic is unencrypted, which is fine over an SSH tunnel or loopback");
  }
  return Check::fail(title, "no answer to the TLS request from " + endpoint_text(*endpoint) + ": is this PostgreSQL?",
                     "check the port in DATABASE_URL (PostgreSQL listens on 5432 by default)");
}

}  // namespace fleetmcp::doctor
