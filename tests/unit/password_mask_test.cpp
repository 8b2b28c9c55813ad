#include <doctest/doctest.h>

#include <string>

#include "db/connection_options.h"
#include "db/password_mask.h"

using fleetmcp::db::mask_password;
using fleetmcp::db::parse_dsn;

namespace {

// The masked text keeps no trace of the secret, whatever else it shows.
void check_hidden(const std::string& dsn, const std::string& secret, const std::string& expected) {
  CAPTURE(dsn);
  const std::string masked = mask_password(dsn);
  CHECK(masked == expected);
  CHECK(masked.find(secret) == std::string::npos);
}

}  // namespace

TEST_CASE("a URL's userinfo password is masked, percent-encoded or raw") {
  check_hidden("postgresql://analytics_ro:s3cr%40t@h:5432/db", "s3cr", "postgresql://analytics_ro:****@h:5432/db");
  check_hidden("postgres://u:hunter2@h/db", "hunter2", "postgres://u:****@h/db");
  // libpq ends the userinfo at the first '@' and would echo "ss@h" as a host name.
  check_hidden("postgresql://u:p@ss@h/db", "ss", "postgresql://u:****@h/db");
  check_hidden("postgresql://u:a:b@h/db", "a:b", "postgresql://u:****@h/db");
  CHECK(mask_password("postgres://u@h/db") == "postgres://u@h/db");
  CHECK(mask_password("postgresql:///db?host=/run/postgresql") == "postgresql:///db?host=/run/postgresql");
}

TEST_CASE("a URL with several hosts is masked") {
  check_hidden("postgresql://u:secret@a:1,b:2/db?target_session_attrs=read-write", "secret",
               "postgresql://u:****@a:1,b:2/db?target_session_attrs=read-write");
}

TEST_CASE("a key=value DSN with several hosts is masked, the host and port lists kept") {
  check_hidden("host=standby,primary port=5433,5432 password='s3 cret' target_session_attrs=prefer-standby", "s3 cret",
               "host=standby,primary port=5433,5432 password=**** target_session_attrs=prefer-standby");
  check_hidden("postgresql://u:secret@[::1]:5433,[::1]:5432/db?target_session_attrs=prefer-standby", "secret",
               "postgresql://u:****@[::1]:5433,[::1]:5432/db?target_session_attrs=prefer-standby");
}

TEST_CASE("a password in a URL query is masked whatever the key's case or encoding") {
  check_hidden("postgresql://u@h/db?password=secret&sslmode=require", "secret",
               "postgresql://u@h/db?password=****&sslmode=require");
  check_hidden("postgresql://u@h/db?PASSWORD=secret", "secret", "postgresql://u@h/db?PASSWORD=****");
  check_hidden("postgresql://u@h/db?sslmode=require&Password=secret", "secret",
               "postgresql://u@h/db?sslmode=require&Password=****");
  check_hidden("postgresql://u@h/db?pass%77ord=secret", "secret", "postgresql://u@h/db?pass%77ord=****");
  check_hidden("postgresql://u@h/db?sslpassword=secret", "secret", "postgresql://u@h/db?sslpassword=****");
  check_hidden("POSTGRESQL://u:secret@h/db", "secret", "POSTGRESQL://u:****@h/db");
}

TEST_CASE("key=value passwords are masked with quotes, escapes and spaces around '='") {
  check_hidden("host=h password=secret user=u", "secret", "host=h password=**** user=u");
  check_hidden("host=h password='a b' user=u", "a b", "host=h password=**** user=u");
  check_hidden("host=h password = 'it\\'s secret' user=u", "secret", "host=h password = **** user=u");
  check_hidden("host=h password=tail\\ secret user=u", "secret", "host=h password=**** user=u");
  check_hidden("host=h PASSWORD=secret", "secret", "host=h PASSWORD=****");
  check_hidden("password=secret", "secret", "password=****");
  check_hidden("host=a,b port=1,2 password=secret", "secret", "host=a,b port=1,2 password=****");
  check_hidden("host=h sslpassword=secret", "secret", "host=h sslpassword=****");
  CHECK(mask_password("host=h user='o\\'neil'") == "host=h user='o\\'neil'");
}

TEST_CASE("a dbname holding a DSN is masked inside") {
  check_hidden("dbname='postgresql://u:secret@h/db' connect_timeout=5", "secret",
               "dbname='postgresql://u:****@h/db' connect_timeout=5");
  check_hidden("host=h dbname='user=u password=secret'", "secret", "host=h dbname='user=u password=****'");
  CHECK(mask_password("host=h dbname=fleet") == "host=h dbname=fleet");
}

TEST_CASE("what libpq reads as the password is what the mask hides") {
  for (const std::string dsn : {"host=h password = 'it\\'s secret'", "host=h password=tail\\ secret",
                                "postgresql://u:p%40ss@h/db", "postgresql://u@h/db?password=secret"}) {
    CAPTURE(dsn);
    const std::string password = parse_dsn(dsn).at("password");
    CHECK(mask_password(dsn).find(password) == std::string::npos);
  }
}
