#include "context/resource_uri.h"

#include "text/percent_encoding.h"

namespace fleetmcp::context {

using text::percent_decode;
using text::percent_encode;

std::string table_uri(std::string_view schema, std::string_view name) {
  return std::string(kTableUriPrefix) + percent_encode(schema) + "/" + percent_encode(name);
}

std::optional<TableName> parse_table_uri(std::string_view uri) {
  if (uri.substr(0, kTableUriPrefix.size()) != kTableUriPrefix) return std::nullopt;
  const std::string_view rest = uri.substr(kTableUriPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || rest.find('/', slash + 1) != std::string_view::npos) return std::nullopt;
  auto schema = percent_decode(rest.substr(0, slash));
  auto name = percent_decode(rest.substr(slash + 1));
  if (!schema || !name || schema->empty() || name->empty()) return std::nullopt;
  return TableName{std::move(*schema), std::move(*name)};
}

}  // namespace fleetmcp::context
