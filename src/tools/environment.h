// What every tool handler may use: the configuration, the one database
// session, and the types known on that session's database.
#pragma once

#include "config.h"
#include "db/error_report.h"
#include "db/session.h"
#include "db/value_encoder.h"

namespace fleetmcp::tools {

class ToolEnvironment {
 public:
  ToolEnvironment(const Config& config, db::Session& session) : config(config), session(session) {}

  const Config& config;
  db::Session& session;

  // PostGIS and array type OIDs of the connected database, loaded on first use.
  const db::TypeCatalog& types();

  // What an error report needs to advise well: the readable schemas, the
  // call's timeout and what the database offers (TimescaleDB and its edition).
  db::ErrorAdviceInputs advice_inputs(int timeout_s) const;

 private:
  bool types_loaded_ = false;
  db::TypeCatalog types_;
};

}  // namespace fleetmcp::tools
