// Rows and bytes of a relation, counting what inheritance children hold: a
// hypertable's parent is empty and its chunks are inheritance children (not
// partitions), so the parent's own reltuples and size say 0 and 32 kB.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "catalog/hypertables.h"

namespace fleetmcp::catalog {

// Columns n, rows, unanalyzed, bytes over the direct inheritance children of
// the relation whose oid is `parent_oid_expression`, for a LATERAL join.
std::string children_totals_sql(const std::string& parent_oid_expression);

struct RelationTotals {
  std::optional<long long> own_rows;   // the relation's own reltuples; nullopt when never analyzed
  std::optional<long long> own_bytes;  // pg_total_relation_size; nullopt for views
  long long children = 0;
  long long children_rows = 0;         // over the analyzed children
  long long unanalyzed_children = 0;   // children holding data that ANALYZE has not seen yet
  long long children_bytes = 0;

  // Reads the four children columns starting at `first`.
  void read_children(const pqxx::row& row, pqxx::row::size_type first);
  // Sets estimated_rows, size_bytes and, when some chunks were never
  // analyzed, unanalyzed_chunks (estimated_rows then counts only the others).
  void write_to(nlohmann::json& table, const Hypertable* hypertable) const;
};

// The children totals of one relation (a continuous aggregate's materialization hypertable).
RelationTotals totals_of_children(pqxx::transaction_base& tx, unsigned parent_oid);

}  // namespace fleetmcp::catalog
