#include <doctest/doctest.h>

#include "tools/suggestions.h"

using fleetmcp::tools::close_matches;

TEST_CASE("a typo finds the intended name") {
  std::vector<std::string> names{"tracksolid.positions", "tracksolid.devices", "reporting.v_trips"};
  CHECK(close_matches("tracksolid.postions", names) == std::vector<std::string>{"tracksolid.positions"});
  CHECK(close_matches("positions", names).front() == "tracksolid.positions");
  CHECK(close_matches("V_TRIPS", names) == std::vector<std::string>{"reporting.v_trips"});
}

TEST_CASE("unrelated names are not suggested") {
  CHECK(close_matches("invoices", {"tracksolid.positions", "fuel.records"}).empty());
}

TEST_CASE("at most `limit` suggestions, best first") {
  std::vector<std::string> names{"t.trip", "t.trips", "t.tripx", "t.trips2"};
  auto best = close_matches("trips", names, 2);
  REQUIRE(best.size() == 2);
  CHECK(best[0] == "t.trips");
}

TEST_CASE("a guess longer than any schema.relation name matches nothing, at once") {
  std::vector<std::string> names(500, "tracksolid.positions");
  CHECK(close_matches(std::string(128, 'p'), names).empty());
  CHECK(close_matches(std::string(1 << 20, 'p'), names).empty());
  CHECK_FALSE(close_matches("tracksolid.positionz", names).empty());
}
