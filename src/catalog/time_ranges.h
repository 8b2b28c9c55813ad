// Where a time series begins and ends, without a scan: the first and last
// value of a time column read through a B-tree index (PostgreSQL answers
// min/max from one end of it), and for a hypertable from its first and last
// chunk only. Lets the model see where the data ends before it asks for
// "the last 30 days" of nothing.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "catalog/hypertables.h"

namespace fleetmcp::catalog {

struct TimeRange {
  std::string column;
  nlohmann::json first = nullptr;  // ISO 8601 in the session's time zone, or a date / integer
  nlohmann::json last = nullptr;
  bool from_chunk_bounds = false;  // no index on the time column: the bounds of the first and last chunk

  nlohmann::json to_json() const;
};

// The time ranges of the relations of `schema` that have one: hypertables
// (on their time column) and tables or materialized views with a B-tree index
// led by a timestamp, timestamptz or date column the role may read. Keyed by oid.
std::map<unsigned, TimeRange> time_ranges_in(pqxx::transaction_base& tx, const std::string& schema,
                                             const std::map<unsigned, Hypertable>& hypertables,
                                             std::optional<unsigned> only_oid = std::nullopt);

}  // namespace fleetmcp::catalog
