// The server's `instructions`, written for the model: what the data is, what
// each tool returns, how to write a good query; and what was learned of the
// connected database (TimescaleDB, the time zone of every answer).
#pragma once

#include <string>

#include "config.h"
#include "db/database_facts.h"

namespace fleetmcp::tools {

// What holds whatever database this is.
std::string server_instructions(const Config& config);

// The time zone and TimescaleDB paragraphs. `facts.known` false: the
// database has not been reached yet, and the text says what is not known.
std::string database_instructions(const Config& config, const db::DatabaseFacts& facts);

}  // namespace fleetmcp::tools
