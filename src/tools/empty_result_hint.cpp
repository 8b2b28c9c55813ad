#include "tools/empty_result_hint.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "json_text.h"

namespace fleetmcp::tools {

std::string empty_result_hint(const std::string& sql) {
  std::string lower(sql.size(), ' ');
  std::transform(sql.begin(), sql.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<const char*, 5> kCurrentTime{"now()", "current_date", "current_timestamp",
                                                           "localtimestamp", "transaction_timestamp()"};
  const bool relative =
      std::any_of(kCurrentTime.begin(), kCurrentTime.end(), [&](const char* f) { return lower.find(f) != std::string::npos; });
  if (!relative) return "";
  return "No rows. The statement compares with the current time, and the data may end earlier: list_tables and "
         "describe_table give each time series' time_range {first, last}. Ask for a period inside it, or say that "
         "the period holds no data.";
}

void add_hint(std::string& answer, const std::string& hint) {
  if (answer.empty() || answer.back() != '}') return;
  std::string field = ",\"hint\":";
  append_json_string(field, hint);
  answer.insert(answer.size() - 1, field);
}

}  // namespace fleetmcp::tools
