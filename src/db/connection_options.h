// Turns the analyst's DSN into libpq connection parameters with fleetmcp's
// read-only session defaults added, and masks passwords for display.
#pragma once

#include <map>
#include <string>

namespace fleetmcp::db {

struct SessionDefaults {
  int statement_timeout_s = 30;
  int connect_timeout_s = 10;
  std::string application_name = "fleetmcp";
};

// Parses a URL or key=value DSN (throws std::invalid_argument with libpq's
// reason) and adds: default_transaction_read_only=on, statement_timeout,
// client_encoding UTF8, ISO DateStyle/IntervalStyle (the encoder relies on
// them), application_name unless the DSN sets one, connect_timeout unless set.
std::map<std::string, std::string> connection_parameters(const std::string& dsn, const SessionDefaults& defaults);

// The DSN with any password replaced by "****" (URL and key=value forms).
std::string mask_password(const std::string& dsn);

}  // namespace fleetmcp::db
