// sql/analytics_ro_hardening.sql revokes from PUBLIC the names the side-effect
// guard refuses; the guard's rules are the source, and this test fails when
// the SQL's two lists (`called`, `named`) drift from them.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "side_effects/side_effect_guard.h"

namespace {

std::string hardening_sql() {
  auto path = std::filesystem::path{__FILE__}.parent_path().parent_path().parent_path() / "sql" /
              "analytics_ro_hardening.sql";
  std::ifstream file{path};
  REQUIRE_MESSAGE(file.good(), "cannot read " << path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The quoted strings of `<name> constant text[] := ARRAY[ … ];`, in order.
std::vector<std::string> array_items(const std::string& sql, const std::string& name) {
  const std::string head = name + " constant text[] := ARRAY[";
  std::size_t start = sql.find(head);
  REQUIRE_MESSAGE(start != std::string::npos, "no `" << head << "` in the hardening SQL");
  start += head.size();
  std::size_t end = sql.find("];", start);
  REQUIRE(end != std::string::npos);
  std::vector<std::string> items;
  for (std::size_t at = sql.find('\'', start); at < end; at = sql.find('\'', at + 1)) {
    std::size_t close = sql.find('\'', at + 1);
    items.push_back(sql.substr(at + 1, close - at - 1));
    at = close;
  }
  return items;
}

std::vector<std::string> guard_names(bool call_only) {
  std::vector<std::string> names;
  for (const auto& refused : fleetmcp::side_effects::refused_names())
    if (refused.call_only == call_only) names.emplace_back(refused.pattern);
  return names;
}

}  // namespace

TEST_CASE("hardening SQL: revokes exactly the functions the side-effect guard refuses when called") {
  const std::string sql = hardening_sql();
  CHECK(array_items(sql, "called") == guard_names(true));
}

TEST_CASE("hardening SQL: revokes exactly the views and functions the guard refuses wherever named") {
  const std::string sql = hardening_sql();
  std::vector<std::string> named = array_items(sql, "named");
  CHECK(named == guard_names(false));
  CHECK(std::find(named.begin(), named.end(), "pg_stat_activity") != named.end());
}
