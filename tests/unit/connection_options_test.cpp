#include <doctest/doctest.h>

#include <stdexcept>

#include "db/connection_options.h"

using namespace fleetmcp::db;

TEST_CASE("read-only session settings are added to a URL DSN") {
  auto params = connection_parameters("postgresql://analytics_ro:secret@127.0.0.1:5432/tracksolid_db", {});
  CHECK(params.at("host") == "127.0.0.1");
  CHECK(params.at("user") == "analytics_ro");
  CHECK(params.at("dbname") == "tracksolid_db");
  CHECK(params.at("options").find("default_transaction_read_only=on") != std::string::npos);
  CHECK(params.at("options").find("statement_timeout=30s") != std::string::npos);
  CHECK(params.at("options").find("IntervalStyle=iso_8601") != std::string::npos);
  CHECK(params.at("client_encoding") == "UTF8");
  CHECK(params.at("application_name") == "fleetmcp");
  CHECK(params.at("connect_timeout") == "10");
}

TEST_CASE("the DSN's own options and application_name are kept") {
  auto params = connection_parameters("host=db application_name=mine options='-c search_path=reporting'", {});
  CHECK(params.at("application_name") == "mine");
  CHECK(params.at("options").find("search_path=reporting") != std::string::npos);
  CHECK(params.at("options").find("default_transaction_read_only=on") != std::string::npos);
}

TEST_CASE("an unparsable DSN gives libpq's reason") {
  CHECK_THROWS_WITH_AS(connection_parameters("postgresql://h/db?bogus=1", {}), doctest::Contains("DATABASE_URL"),
                       std::invalid_argument);
  CHECK_THROWS_AS(connection_parameters("host='unterminated", {}), std::invalid_argument);
}

TEST_CASE("parse_dsn reads both DSN forms the way libpq does, without empty values") {
  auto url = parse_dsn("postgresql://u:p%40ss@db.example:15432/x?sslmode=verify-full&application_name=");
  CHECK(url.at("host") == "db.example");
  CHECK(url.at("port") == "15432");
  CHECK(url.at("password") == "p@ss");
  CHECK(url.at("sslmode") == "verify-full");
  CHECK(url.count("application_name") == 0);
  CHECK(url.count("options") == 0);
  auto keywords = parse_dsn("host=a,b user='o\\'neil'");
  CHECK(keywords.at("host") == "a,b");
  CHECK(keywords.at("user") == "o'neil");
}

TEST_CASE("parse_dsn gives libpq's reason without the trailing newline") {
  try {
    parse_dsn("host=a port");
    FAIL("no exception");
  } catch (const std::invalid_argument& failure) {
    std::string reason = failure.what();
    CHECK(reason.find("port") != std::string::npos);
    CHECK(reason.back() != '\n');
  }
}

TEST_CASE("conninfo_string quotes and escapes every value, and libpq reads it back") {
  std::map<std::string, std::string> params{{"host", "db"}, {"password", "it's a \\ secret"}, {"user", "u v"}};
  std::string text = conninfo_string(params);
  CHECK(text == "host='db' password='it\\'s a \\\\ secret' user='u v'");
  CHECK(parse_dsn(text) == params);
  CHECK(conninfo_string({}).empty());
}

TEST_CASE("a multi-host DSN keeps its host and port lists and target_session_attrs for libpq's own failover") {
  auto url = connection_parameters(
      "postgresql://analytics_ro:s%40cret@standby:5433,primary:5432/tracksolid_db?target_session_attrs=prefer-standby",
      {});
  CHECK(url.at("host") == "standby,primary");
  CHECK(url.at("port") == "5433,5432");
  CHECK(url.at("target_session_attrs") == "prefer-standby");
  CHECK(url.at("password") == "s@cret");
  auto keywords = parse_dsn(conninfo_string(connection_parameters("host=a,b port=1,2 target_session_attrs=any", {})));
  CHECK(keywords.at("host") == "a,b");
  CHECK(keywords.at("port") == "1,2");
  CHECK(keywords.at("target_session_attrs") == "any");
}
