#include "tools/hypertable_names.h"

#include <cctype>

#include <spdlog/spdlog.h>

namespace fleetmcp::tools {

std::string with_hypertable_names(ToolEnvironment& env, std::string message) {
  static constexpr std::string_view kPhrase = "the hypertable of chunk ";
  for (std::size_t at = message.find(kPhrase); at != std::string::npos; at = message.find(kPhrase, at + 1)) {
    const std::size_t name_start = at + kPhrase.size();
    std::size_t name_end = name_start;
    while (name_end < message.size() && (std::isalnum(static_cast<unsigned char>(message[name_end])) ||
                                         message[name_end] == '_'))
      ++name_end;
    const std::string chunk = message.substr(name_start, name_end - name_start);
    std::string hypertable;
    try {
      // A chunk is an inheritance child of its hypertable (what list_tables hides it by).
      env.session.read_only(env.config.statement_timeout_s, [&](pqxx::nontransaction& tx) {
        pqxx::result found = tx.exec(
            "SELECT format('%I.%I', n.nspname, parent.relname) FROM pg_inherits i "
            "JOIN pg_class child ON child.oid = i.inhrelid JOIN pg_class parent ON parent.oid = i.inhparent "
            "JOIN pg_namespace n ON n.oid = parent.relnamespace WHERE child.relname = $1 LIMIT 1",
            pqxx::params{chunk});
        if (!found.empty()) hypertable = found[0][0].as<std::string>();
      });
    } catch (const std::exception& failure) {
      spdlog::debug("could not name the hypertable of {}: {}", chunk, failure.what());
    }
    if (hypertable.empty()) continue;
    message.replace(at, name_end - at, hypertable);
  }
  return message;
}

}  // namespace fleetmcp::tools
