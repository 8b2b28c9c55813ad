#include "db/connection_options.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace fleetmcp::db {

std::string libpq_message(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::map<std::string, std::string> parse_dsn(const std::string& dsn) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options{PQconninfoParse(dsn.c_str(), &error),
                                                                       &PQconninfoFree};
  if (!options) {
    std::string reason = libpq_message(error != nullptr ? error : "out of memory");
    PQfreemem(error);
    throw std::invalid_argument(reason);
  }
  std::map<std::string, std::string> params;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option)
    if (option->val != nullptr && *option->val != '\0') params[option->keyword] = option->val;
  return params;
}

std::map<std::string, std::string> parse_database_url(const std::string& dsn) {
  try {
    return parse_dsn(dsn);
  } catch (const std::invalid_argument& failure) {
    throw std::invalid_argument(std::string("DATABASE_URL cannot be parsed: ") + failure.what());
  }
}

std::string conninfo_string(const std::map<std::string, std::string>& params) {
  std::string text;
  for (const auto& [key, value] : params) {
    text += (text.empty() ? "" : " ") + key + "='";
    for (char c : value) {
      if (c == '\\' || c == '\'') text += '\\';
      text += c;
    }
    text += "'";
  }
  return text;
}

std::map<std::string, std::string> connection_parameters(const std::string& dsn, const SessionDefaults& defaults) {
  std::map<std::string, std::string> params = parse_database_url(dsn);
  // Session settings travel in the startup packet, so they hold from the first
  // statement on, and a RESET/DISCARD returns to them rather than to the role's.
  std::string session_options = " -c default_transaction_read_only=on -c statement_timeout=" +
                                std::to_string(defaults.statement_timeout_s) + "s" +
                                " -c DateStyle=ISO -c IntervalStyle=iso_8601"
                                // The SQL guard reads 'a\' as a complete string; so must the server.
                                " -c standard_conforming_strings=on";
  params["options"] += session_options;
  params["client_encoding"] = "UTF8";
  params.try_emplace("application_name", defaults.application_name);
  params.try_emplace("connect_timeout", std::to_string(defaults.connect_timeout_s));
  return params;
}

}  // namespace fleetmcp::db
