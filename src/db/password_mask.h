// Hides secrets in a DSN before it is logged or shown: every shape libpq
// accepts (URL userinfo, URL query, key=value with quotes and escapes, a
// dbname that is itself a DSN; one host or several). It errs towards masking too much: a DSN
// libpq would refuse is still masked, and keys are compared in any case.
#pragma once

#include <string>

namespace fleetmcp::db {

// The DSN with every password-like value (password, sslpassword… in any
// case) replaced by "****".
std::string mask_password(const std::string& dsn);

}  // namespace fleetmcp::db
