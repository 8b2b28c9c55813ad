#include "doctor/certificate_check.h"

#include <libpq-fe.h>

#include <memory>
#include <sstream>

#include "db/connection_options.h"

namespace fleetmcp::doctor {

std::optional<std::string> certificate_refusal(const Target& target, int timeout_s) {
  std::map<std::string, std::string> params = target.params;
  params["connect_timeout"] = std::to_string(timeout_s);
  params["application_name"] = "fleetmcp-doctor";
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection{PQconnectdb(db::conninfo_string(params).c_str()), &PQfinish};
  if (!connection || PQstatus(connection.get()) == CONNECTION_OK) return std::nullopt;
  // A refused certificate ends the attempt before authentication; any other
  // failure (a password, pg_hba.conf) is for the login check to explain.
  // libpq reports every address it tried, one a line ("localhost" also gives
  // a refused ::1); the line about the certificate is the one to show.
  std::istringstream lines{PQerrorMessage(connection.get())};
  for (std::string line; std::getline(lines, line);)
    if (line.find("certificate") != std::string::npos || line.find("SSL error") != std::string::npos) return line;
  return std::nullopt;
}

std::string certificate_fix(const std::string& reason, const std::string& root_file, const std::string& host) {
  if (reason.find("does not match host name") != std::string::npos)
    return "the server's certificate does not name \"" + host +
           "\": connect by a name the certificate holds (over a tunnel, keep that name in host= and put 127.0.0.1 "
           "in hostaddr=), or use sslmode=verify-ca";
  return "the server's certificate is not signed by the CA in " + root_file +
         ": ask the operator for the CA certificate that signed the database server's certificate and set "
         "sslrootcert to it";
}

}  // namespace fleetmcp::doctor
