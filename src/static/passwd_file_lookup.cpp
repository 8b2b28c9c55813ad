// User lookup for the static binary without glibc NSS: getpwuid and
// getpwuid_r are replaced at link time (-Wl,--wrap) by a reader of /etc/passwd.
//
// Why: libpq asks for the OS user (default user name, home for ~/.pgpass and
// ~/.postgresql) and fleetmcp for the audit caller when USER is unset; static
// glibc would answer through NSS modules loaded at run time (see
// nss_free_resolver.cpp). Users known only to LDAP/SSSD are not found, which
// libpq and fleetmcp already handle (set user= in the DSN, HOME, MCP_CALLER).
#include <pwd.h>
#include <sys/types.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace fleetmcp::static_build {
namespace {

// The fields of the /etc/passwd line for `uid`, or an empty vector.
std::vector<std::string> passwd_fields(uid_t uid) {
  std::ifstream file{"/etc/passwd"};
  std::string line;
  while (std::getline(file, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t colon; (colon = line.find(':', start)) != std::string::npos; start = colon + 1)
      fields.push_back(line.substr(start, colon - start));
    fields.push_back(line.substr(start));
    if (fields.size() != 7) continue;
    char* end = nullptr;
    unsigned long id = std::strtoul(fields[2].c_str(), &end, 10);
    if (*end == '\0' && !fields[2].empty() && id == uid) return fields;
  }
  return {};
}

// Copies the fields into `buffer` the way getpwuid_r lays them out.
int fill_entry(const std::vector<std::string>& fields, passwd* entry, char* buffer, std::size_t size) {
  std::size_t needed = 0;
  for (const auto& field : fields) needed += field.size() + 1;
  if (needed > size) return ERANGE;
  char* cursor = buffer;
  auto copy = [&cursor](const std::string& text) {
    char* start = cursor;
    std::memcpy(cursor, text.c_str(), text.size() + 1);
    cursor += text.size() + 1;
    return start;
  };
  entry->pw_name = copy(fields[0]);
  entry->pw_passwd = copy(fields[1]);
  entry->pw_uid = static_cast<uid_t>(std::strtoul(fields[2].c_str(), nullptr, 10));
  entry->pw_gid = static_cast<gid_t>(std::strtoul(fields[3].c_str(), nullptr, 10));
  entry->pw_gecos = copy(fields[4]);
  entry->pw_dir = copy(fields[5]);
  entry->pw_shell = copy(fields[6]);
  return 0;
}

}  // namespace
}  // namespace fleetmcp::static_build

extern "C" int __wrap_getpwuid_r(uid_t uid, passwd* entry, char* buffer, size_t size, passwd** result) {
  *result = nullptr;
  auto fields = fleetmcp::static_build::passwd_fields(uid);
  if (fields.empty()) return 0;  // not found: result stays null, as in glibc
  if (int error = fleetmcp::static_build::fill_entry(fields, entry, buffer, size); error != 0) return error;
  *result = entry;
  return 0;
}

extern "C" passwd* __wrap_getpwuid(uid_t uid) {
  static thread_local passwd entry;
  static thread_local char buffer[4096];
  passwd* result = nullptr;
  errno = __wrap_getpwuid_r(uid, &entry, buffer, sizeof buffer, &result);
  return result;
}
