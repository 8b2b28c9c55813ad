// Turns the analyst's DSN into libpq connection parameters with fleetmcp's
// read-only session defaults added.
#pragma once

#include <map>
#include <string>

#include "db/password_mask.h"  // mask_password: what logs and errors show of a DSN

namespace fleetmcp::db {

struct SessionDefaults {
  int statement_timeout_s = 30;
  int connect_timeout_s = 10;
  std::string application_name = "fleetmcp";
  // MCP_TIME_ZONE: every transaction runs in it (SET LOCAL TimeZone). Empty:
  // the database's own setting.
  std::string time_zone;
};

// The keywords a URL or key=value DSN sets, as libpq reads it (empty values
// left out). Throws std::invalid_argument with libpq's reason, trimmed.
// Several hosts (host=a,b port=1,2, or postgresql://a:1,b:2/…) stay libpq's
// comma lists, and target_session_attrs is kept: libpq itself picks the host.
std::map<std::string, std::string> parse_dsn(const std::string& dsn);

// libpq's messages end in a newline (and at times a space): the message
// without them, to stand inside a sentence of ours.
std::string libpq_message(std::string text);

// parse_dsn for the configured DSN: the reason starts "DATABASE_URL cannot be
// parsed: ", so the analyst knows which setting to fix.
std::map<std::string, std::string> parse_database_url(const std::string& dsn);

// Parameters as key='value' pairs, backslash and quote escaped: the conninfo
// string libpq and pqxx take, whatever the values hold.
std::string conninfo_string(const std::map<std::string, std::string>& params);

// Parses a URL or key=value DSN (throws std::invalid_argument naming
// DATABASE_URL and libpq's reason) and adds: default_transaction_read_only=on, statement_timeout,
// client_encoding UTF8, ISO DateStyle/IntervalStyle (the encoder relies on
// them), application_name unless the DSN sets one, connect_timeout unless set.
std::map<std::string, std::string> connection_parameters(const std::string& dsn, const SessionDefaults& defaults);

}  // namespace fleetmcp::db
