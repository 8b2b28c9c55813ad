// The URIs of fleetmcp's resources: fleetmcp://table/{schema}/{name}, with
// each segment percent-encoded (RFC 3986), so a table named "Odd Name/2"
// still has exactly one URI and parses back to the same names.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fleetmcp::context {

inline constexpr std::string_view kTableUriPrefix = "fleetmcp://table/";
inline constexpr std::string_view kTableUriTemplate = "fleetmcp://table/{schema}/{name}";

std::string table_uri(std::string_view schema, std::string_view name);

struct TableName {
  std::string schema;
  std::string name;
};
// The two names in a table URI; nullopt when `uri` is not one (wrong prefix,
// other than two non-empty segments, or a bad escape).
std::optional<TableName> parse_table_uri(std::string_view uri);

}  // namespace fleetmcp::context
