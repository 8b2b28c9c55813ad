// The doctor's look at the functions in the readable schemas that the role
// can execute: a SECURITY DEFINER one runs with its owner's rights, so only
// fleetmcp's READ ONLY transaction keeps it from writing; a volatile one may
// call, from a body fleetmcp cannot see into, functions with effects outside
// the transaction. Each is listed with the REVOKE/GRANT that closes it.
#pragma once

#include <pqxx/pqxx>

#include "config.h"
#include "doctor/check.h"

namespace fleetmcp::doctor {

// A warning (doctor still exits 0) when any such function is found: the role
// itself is read-only, and fleetmcp's layers stop what these could do.
Check check_executable_functions(pqxx::transaction_base& tx, const Config& config);

}  // namespace fleetmcp::doctor
