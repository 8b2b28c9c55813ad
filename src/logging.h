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

}  // namespace fleetmcp
