// stderr logging for people (spdlog) and the audit trail (one JSON line per
// tools/call). Their lines never interleave.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetmcp {

// Installs the default logger on stderr at `level` (trace…off).
void init_logging(const std::string& level);

// Writes one audit line: {"audit":…,"ts":…} merged with `record`. Audit lines
// are written whatever the log level: they are a record, not a diagnostic.
void write_audit_line(const nlohmann::json& record);

// What write_audit_line writes: the record with "audit" and "ts", and SQL
// (its own or in its arguments) over 4 KiB cut to 4 KiB, with sql_bytes
// (the full length) and sql_sha256 (the first 16 hex digits) beside it.
nlohmann::json audit_record(const nlohmann::json& record);

// The audit line of a tools/call that never reached its tool: `params` as
// the client sent them (any type), `outcome` such as "refused" or "busy".
void write_unrun_call_audit_line(const std::string& caller, const nlohmann::json& params, const std::string& outcome,
                                 const std::string& error);

}  // namespace fleetmcp
