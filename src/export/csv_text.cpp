#include "export/csv_text.h"

namespace fleetmcp::exports {

void append_csv_field(std::string& out, std::string_view value) {
  const bool quoted = value.find_first_of(",\"\r\n") != std::string_view::npos || value == "\\.";
  if (!quoted) {
    out.append(value);
    return;
  }
  out.push_back('"');
  std::size_t start = 0;
  for (std::size_t quote = value.find('"'); quote != std::string_view::npos; quote = value.find('"', start)) {
    out.append(value.substr(start, quote + 1 - start));
    out.push_back('"');
    start = quote + 1;
  }
  out.append(value.substr(start));
  out.push_back('"');
}

}  // namespace fleetmcp::exports
