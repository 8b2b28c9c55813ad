#include "tools/environment.h"

namespace fleetmcp::tools {

const db::TypeCatalog& ToolEnvironment::types() {
  // PostGIS types have per-database OIDs; one catalog read serves the process
  // (a reconnect reaches the same database, so the OIDs stay valid).
  if (!types_loaded_) {
    session.read_only(config.statement_timeout_s, [this](pqxx::nontransaction& tx) {
      for (const auto& row : tx.exec(db::TypeCatalog::load_query(), pqxx::params{}))
        types_.add_row(row[0].as<unsigned>(), row[1].view(), row[2].as<unsigned>(), row[3].view().front());
      return 0;
    });
    types_loaded_ = true;
  }
  return types_;
}

db::ErrorAdviceInputs ToolEnvironment::advice_inputs(int timeout_s) const {
  const db::DatabaseFacts facts = session.facts();
  return {config.readable_schemas_text(), timeout_s, facts.timescaledb_version, facts.timescale_edition()};
}

}  // namespace fleetmcp::tools
