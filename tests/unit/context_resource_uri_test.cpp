// Table URIs: odd names round-trip, and the URIs that name no table.
#include <doctest/doctest.h>

#include "context/resource_uri.h"

using namespace fleetmcp::context;

TEST_CASE("a plain table's URI is readable and parses back") {
  CHECK(table_uri("reporting", "v_trips") == "fleetmcp://table/reporting/v_trips");
  auto names = parse_table_uri("fleetmcp://table/reporting/v_trips");
  REQUIRE(names);
  CHECK(names->schema == "reporting");
  CHECK(names->name == "v_trips");
}

TEST_CASE("odd names round-trip through percent-encoding") {
  const std::string uri = table_uri("Odd Schema", "a/b \"c\" é");
  CHECK(uri == "fleetmcp://table/Odd%20Schema/a%2Fb%20%22c%22%20%C3%A9");
  auto names = parse_table_uri(uri);
  REQUIRE(names);
  CHECK(names->schema == "Odd Schema");
  CHECK(names->name == "a/b \"c\" é");
}

TEST_CASE("URIs that are not table URIs parse to nothing") {
  for (const char* uri : {"fleetmcp://table/reporting", "fleetmcp://table/reporting/v_trips/extra",
                          "fleetmcp://table//v_trips", "fleetmcp://table/reporting/", "file:///etc/passwd",
                          "fleetmcp://table/reporting/%zz", "fleetmcp://table/reporting/%4", "fleetmcp://table/a%00b/c"}) {
    INFO(uri);
    CHECK_FALSE(parse_table_uri(uri));
  }
}
