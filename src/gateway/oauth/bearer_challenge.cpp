// WWW-Authenticate formatting.
#include "gateway/oauth/bearer_challenge.h"

namespace fleetmcp::gateway::oauth {
namespace {

std::string quotable(const std::string& value) {
  std::string out = value;
  for (char& c : out)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '\'';
  return out;
}

void add(std::string& header, const char* name, const std::string& value) {
  if (value.empty()) return;
  header += header.size() == 6 ? " " : ", ";
  header += std::string(name) + "=\"" + quotable(value) + "\"";
}

}  // namespace

std::string format_bearer_challenge(const BearerChallenge& challenge) {
  std::string header = "Bearer";
  add(header, "realm", challenge.realm);
  add(header, "resource_metadata", challenge.resource_metadata);
  add(header, "scope", challenge.scope);
  add(header, "error", challenge.error);
  add(header, "error_description", challenge.error_description);
  return header;
}

}  // namespace fleetmcp::gateway::oauth
