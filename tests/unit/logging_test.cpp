// Tests the audit record: SQL stays bounded, with its length and digest.
#include <doctest/doctest.h>

#include <string>

#include "logging.h"

using fleetmcp::audit_record;
using nlohmann::json;

TEST_CASE("audit SQL up to 4 KiB is kept whole") {
  const std::string sql = "SELECT " + std::string(4096 - 7, '1');
  const json line = audit_record({{"caller", "alice"}, {"sql", sql}});
  CHECK(line["audit"] == "tools/call");
  CHECK(line["sql"] == sql);
  CHECK_FALSE(line.contains("sql_bytes"));
}

TEST_CASE("longer audit SQL keeps its head, its length and a SHA-256 prefix") {
  const std::string sql = "SELECT '" + std::string(1024 * 1024, 'x') + "'";
  const json line = audit_record({{"caller", "alice"}, {"sql", sql}});
  CHECK(line["sql"].get<std::string>() == sql.substr(0, 4096));
  CHECK(line["sql_bytes"] == sql.size());
  CHECK(line["sql_sha256"].get<std::string>().size() == 16);
  // Another statement of the same length and head has another digest.
  const json other = audit_record({{"sql", sql.substr(0, sql.size() - 2) + "y'"}});
  CHECK(other["sql_sha256"] != line["sql_sha256"]);
  CHECK(audit_record({{"sql", "abc"}})["sql"] == "abc");
  CHECK(line.dump().size() < 5000);
}

TEST_CASE("SQL inside the arguments of a refused call is bounded the same way, never cut inside a character") {
  const std::string sql = std::string(4095, 'a') + "\xC3\xA9" + std::string(10000, 'b');
  const json line = audit_record({{"arguments", {{"sql", sql}}}, {"outcome", "refused"}});
  CHECK(line["arguments"]["sql"].get<std::string>() == std::string(4095, 'a'));
  CHECK(line["arguments"]["sql_bytes"] == sql.size());
  CHECK(line["arguments"].contains("sql_sha256"));
}

TEST_CASE("a known digest: the SHA-256 of the statement, first 16 hex digits") {
  const std::string sql(5000, 'a');
  // python3 -c "import hashlib; print(hashlib.sha256(b'a' * 5000).hexdigest()[:16])"
  CHECK(audit_record({{"sql", sql}})["sql_sha256"] == "c526c6222044dab5");
}
