// The doctor's verification of the server certificate for sslmode=verify-ca
// and verify-full: a TLS handshake by libpq itself, before any login.
#pragma once

#include <optional>
#include <string>

#include "doctor/network_checks.h"

namespace fleetmcp::doctor {

// libpq's reason when it refuses the server's certificate (not signed by the
// CA in sslrootcert, or not naming the host), nullopt when the handshake got
// past it. libpq does the verifying so the verdict is the one login will meet.
std::optional<std::string> certificate_refusal(const Target& target, int timeout_s);

// The fix for such a refusal, naming the CA file or host the reason points at.
std::string certificate_fix(const std::string& reason, const std::string& root_file, const std::string& host);

}  // namespace fleetmcp::doctor
