// Which server the login reached and whether it is a read replica: with a
// multi-host DATABASE_URL libpq picks the host (target_session_attrs), and
// answers from a streaming standby are only as fresh as its replay.
#pragma once

#include <map>
#include <string>

#include <pqxx/pqxx>

#include "doctor/check.h"

namespace fleetmcp::doctor {

// `params` as the DSN gave them (host lists, target_session_attrs).
Check check_server_reached(const pqxx::connection& connection, pqxx::transaction_base& tx,
                           const std::map<std::string, std::string>& params);

}  // namespace fleetmcp::doctor
