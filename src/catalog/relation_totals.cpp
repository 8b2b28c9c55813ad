#include "catalog/relation_totals.h"

namespace fleetmcp::catalog {

std::string children_totals_sql(const std::string& parent_oid_expression) {
  return "SELECT count(*) AS n, coalesce(sum(greatest(k.reltuples, 0)), 0)::bigint AS rows,"
         " count(*) FILTER (WHERE k.reltuples < 0 AND pg_relation_size(k.oid) > 0) AS unanalyzed,"
         " coalesce(sum(pg_total_relation_size(k.oid)), 0)::bigint AS bytes"
         " FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE i.inhparent = " +
         parent_oid_expression;
}

void RelationTotals::read_children(const pqxx::row& row, pqxx::row::size_type first) {
  if (row[first].is_null()) return;
  children = row[first].as<long long>();
  children_rows = row[first + 1].as<long long>();
  unanalyzed_children = row[first + 2].as<long long>();
  children_bytes = row[first + 3].as<long long>();
}

void RelationTotals::write_to(nlohmann::json& table, const Hypertable* hypertable) const {
  std::optional<long long> rows = own_rows;
  std::optional<long long> bytes = own_bytes;
  if (children > 0) {
    rows = own_rows.value_or(0) + children_rows;
    bytes = own_bytes.value_or(0) + children_bytes;
  }
  if (hypertable != nullptr && hypertable->compressed_aware_rows) rows = hypertable->compressed_aware_rows;
  if (hypertable != nullptr && hypertable->compressed_aware_bytes) bytes = hypertable->compressed_aware_bytes;
  table["estimated_rows"] = rows ? nlohmann::json(*rows) : nlohmann::json(nullptr);
  table["size_bytes"] = bytes ? nlohmann::json(*bytes) : nlohmann::json(nullptr);
  if (unanalyzed_children > 0) table["unanalyzed_chunks"] = unanalyzed_children;
}

RelationTotals totals_of_children(pqxx::transaction_base& tx, unsigned parent_oid) {
  RelationTotals totals;
  totals.read_children(tx.exec("SELECT * FROM (" + children_totals_sql("$1::oid") + ") t",
                               pqxx::params{static_cast<long long>(parent_oid)})
                           .one_row(),
                       0);
  return totals;
}

}  // namespace fleetmcp::catalog
