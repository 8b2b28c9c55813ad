#include "healthcheck.h"

#include <doctest/doctest.h>

#include <string>

#include "one_shot_server.h"

namespace {

using fleetmcp::testing::OneShotServer;

// A response with this status line and no body.
std::string answer(const std::string& status_line) { return status_line + "\r\nContent-Length: 0\r\n\r\n"; }

fleetmcp::HealthcheckOptions probe_of(int port) {
  fleetmcp::HealthcheckOptions options;
  options.port = port;
  return options;
}

}  // namespace

TEST_CASE("healthcheck: 200 from /healthz is healthy") {
  OneShotServer server{answer("HTTP/1.1 200 OK")};
  CHECK(fleetmcp::run_healthcheck(probe_of(server.port)) == 0);
  server.worker.join();  // the request is complete once the server has answered
  CHECK(server.request.rfind("GET /healthz HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("healthcheck: any other status is unhealthy") {
  OneShotServer server{answer("HTTP/1.1 503 Service Unavailable")};
  CHECK(fleetmcp::run_healthcheck(probe_of(server.port)) == 1);
}

TEST_CASE("healthcheck: nothing listening is unhealthy") {
  int port;
  {
    OneShotServer server{answer("HTTP/1.1 200 OK")};
    port = server.port;
    fleetmcp::run_healthcheck(probe_of(port));  // lets the server finish; the port is then closed
  }
  CHECK(fleetmcp::run_healthcheck(probe_of(port)) == 1);
}

TEST_CASE("healthcheck: the host must be an IPv4 address") {
  fleetmcp::HealthcheckOptions options;
  options.host = "localhost";
  CHECK(fleetmcp::run_healthcheck(options) == 1);
}
