// CSV as psql --csv writes it, so that an export and psql's own CSV of the
// same query are the same bytes: values in PostgreSQL's text output (the
// session's TimeZone, DateStyle ISO), a header row of column names, fields
// separated by ',', lines ended by '\n', NULL and '' both empty. RFC 4180 in
// all but the line ending, which psql writes as LF (and every reader takes).
#pragma once

#include <string>
#include <string_view>

namespace fleetmcp::exports {

// Appends one field: as it is, or between double quotes with each '"'
// doubled when it holds ',', '"', CR or LF, or is exactly "\." (which COPY
// would read as the end of the data) — psql's rule.
void append_csv_field(std::string& out, std::string_view value);

}  // namespace fleetmcp::exports
