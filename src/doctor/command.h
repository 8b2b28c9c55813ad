// `fleetmcp doctor`: checks, in order, everything between the analyst and a
// safe read-only session, printing ✔/✘ and the fix for each failure.
#pragma once

#include <ostream>

#include "config.h"

namespace CLI {
class App;
}

namespace fleetmcp::doctor {

// Registers the subcommand; main runs run_doctor when it was given.
CLI::App* add_doctor_command(CLI::App& app);

// Returns the exit code: 0 when every check passed, 1 otherwise.
int run_doctor(const Config& config, std::ostream& out);

}  // namespace fleetmcp::doctor
