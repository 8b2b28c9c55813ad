// Whether the connected role could change anything: a superuser, a role that
// may create roles or databases, or one holding any write or CREATE privilege.
// One cheap query, shared by `serve` (refuses to start) and `doctor`.
#pragma once

#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace fleetmcp::doctor {

struct RoleSafety {
  std::string role;
  bool superuser = false;
  std::vector<std::string> role_powers;      // "CREATEROLE", "CREATEDB"
  std::vector<std::string> writable;         // "tracksolid.devices (INSERT, UPDATE)" …, at most 20
  long writable_count = 0;                   // all of them
  std::vector<std::string> creatable_schemas;
  bool can_create_in_database = false;

  bool safe() const {
    return !superuser && role_powers.empty() && writable_count == 0 && creatable_schemas.empty() &&
           !can_create_in_database;
  }
  // One sentence for an error message; empty when safe().
  std::string summary() const;
};

RoleSafety check_role_safety(pqxx::transaction_base& tx);

// The message `serve` gives when it will not run as this role.
std::string refusal_message(const RoleSafety& safety);

}  // namespace fleetmcp::doctor
