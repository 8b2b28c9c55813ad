// The doctor's checks of what the database itself offers the analysts:
// TimescaleDB (version, edition, hypertables the role can read with their
// metadata and chunks) and the time zone the answers will use.
#pragma once

#include <pqxx/pqxx>

#include "config.h"
#include "doctor/check.h"

namespace fleetmcp::doctor {

Check check_timescaledb(pqxx::transaction_base& tx, const Config& config);
Check check_time_zone(pqxx::transaction_base& tx, const Config& config);

}  // namespace fleetmcp::doctor
