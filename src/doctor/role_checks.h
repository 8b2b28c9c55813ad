// The doctor's checks after login, all read from pg_catalog: the role cannot
// change anything, its session defaults are safe, and what it can read is
// exactly MCP_READABLE_SCHEMAS, with grants that will hold for new objects.
#pragma once

#include <pqxx/pqxx>

#include "config.h"
#include "doctor/check.h"
#include "doctor/role_safety.h"

namespace fleetmcp::doctor {

Check check_not_superuser(const RoleSafety& safety);
Check check_cannot_write(const RoleSafety& safety, pqxx::transaction_base& tx);
Check check_session_defaults(pqxx::transaction_base& tx);
Check check_readable_schemas(pqxx::transaction_base& tx, const Config& config);
Check check_matviews_granted(pqxx::transaction_base& tx, const Config& config);
Check check_default_privileges(pqxx::transaction_base& tx, const Config& config);
Check check_unconfigured_unreadable(pqxx::transaction_base& tx, const Config& config);

}  // namespace fleetmcp::doctor
