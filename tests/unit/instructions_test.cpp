// The model's instructions name the time zone and TimescaleDB as they are
// (src/tools/instructions.cpp).
#include <doctest/doctest.h>

#include "tools/instructions.h"

using fleetmcp::Config;
using fleetmcp::db::DatabaseFacts;
using fleetmcp::tools::database_instructions;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

DatabaseFacts facts(std::string timescaledb, std::string license, std::string zone) {
  DatabaseFacts out;
  out.known = true;
  out.server_version_num = 160004;
  out.timescaledb_version = std::move(timescaledb);
  out.timescaledb_license = std::move(license);
  out.time_zone = std::move(zone);
  return out;
}
}  // namespace

TEST_CASE("a configured zone is stated as the zone of every timestamp and ::date") {
  Config config;
  config.time_zone = "Africa/Nairobi";
  const std::string text = database_instructions(config, facts("2.19.3", "apache", "Africa/Nairobi"));
  CHECK(has(text, "every query runs with TimeZone Africa/Nairobi"));
  CHECK(has(text, "count Africa/Nairobi days"));
  CHECK(has(text, "time_zone"));
}

TEST_CASE("without MCP_TIME_ZONE the database's zone is named, or said to be unknown") {
  Config config;
  CHECK(has(database_instructions(config, facts("", "", "UTC")), "the database's own setting (UTC;"));
  CHECK(has(database_instructions(config, DatabaseFacts{}), "not known yet"));
}

TEST_CASE("TimescaleDB's version, edition and functions are named only when it is installed") {
  Config config;
  const std::string apache = database_instructions(config, facts("2.19.3", "apache", "UTC"));
  CHECK(has(apache, "TimescaleDB 2.19.3 (Apache edition: no compression, no continuous aggregates"));
  CHECK(has(apache, "time_bucket('1 day', ts, 'Africa/Nairobi')"));
  CHECK(has(apache, "approximate_row_count"));
  CHECK(has(database_instructions(config, facts("2.19.3", "timescale", "UTC")), "Timescale edition"));
  const std::string plain = database_instructions(config, facts("", "", "UTC"));
  CHECK_FALSE(has(plain, "time_bucket("));
  CHECK(has(plain, "date_bin"));
  CHECK(has(plain, "time_range"));  // data freshness is said whatever the database
}
