// The standard prompts: argument checks, and the query each one starts from
// (the integration test runs those queries against the demo database).
#include <doctest/doctest.h>

#include "context/prompt_arguments.h"
#include "context/prompt_catalog.h"

using namespace fleetmcp::context;

TEST_CASE("dates, months and limits are checked and explained") {
  CHECK(checked_date("since", "2024-02-29") == "2024-02-29");
  CHECK_THROWS_WITH_AS(checked_date("since", "2025-02-29"),
                       "argument 'since': expected a calendar date as YYYY-MM-DD, e.g. 2026-10-05, got \"2025-02-29\"",
                       PromptArgumentError);
  CHECK_THROWS_AS(checked_date("since", "yesterday"), PromptArgumentError);
  CHECK_THROWS_AS(checked_date("since", "2026-1-05"), PromptArgumentError);
  CHECK(checked_month("month", "2026-10") == "2026-10-01");
  CHECK_THROWS_AS(checked_month("month", "2026-13"), PromptArgumentError);
  CHECK(checked_limit("limit", "10") == 10);
  CHECK_THROWS_AS(checked_limit("limit", "0"), PromptArgumentError);
  CHECK_THROWS_AS(checked_limit("limit", "101"), PromptArgumentError);
  CHECK_THROWS_AS(checked_limit("limit", "-5"), PromptArgumentError);
}

TEST_CASE("text values refuse control characters and length, and are quoted for SQL") {
  CHECK_THROWS_AS(checked_text("region", std::string("West\0lands", 10)), PromptArgumentError);
  CHECK_THROWS_AS(checked_text("region", std::string(201, 'x')), PromptArgumentError);
  CHECK(sql_literal("O'Brien") == "'O''Brien'");
}

TEST_CASE("every prompt names its tables, the business zone and a query with the arguments in it") {
  const PromptValues values = {{"since", "2026-10-01"}, {"until", "2026-10-31"}, {"month", "2026-10"},
                               {"from_month", "2026-09"}, {"week_start", "2026-10-19"}, {"region", "O'Brien"}};
  REQUIRE(standard_prompts().size() == 5);
  for (const auto& prompt : standard_prompts()) {
    INFO(prompt.name);
    PromptValues given;
    for (const auto& argument : prompt.arguments)
      if (values.count(argument.name)) given[argument.name] = values.at(argument.name);
    const std::string text = prompt.text(given);
    CHECK(text.find("Africa/Nairobi") != std::string::npos);
    const std::string sql = query_of(text);
    CHECK(sql.rfind("SELECT", 0) == 0);
    if (given.count("region")) CHECK(sql.find("'O''Brien'") != std::string::npos);
  }
}

TEST_CASE("a prompt refuses a bad value by naming the argument") {
  const Prompt* prompt = find_prompt("fuel_cost_per_km_by_cost_centre");
  REQUIRE(prompt != nullptr);
  CHECK_THROWS_WITH_AS(prompt->text({{"from_month", "2026-10"}, {"to_month", "2026-09"}}),
                       "argument 'to_month': must not be before from_month (2026-10)", PromptArgumentError);
  const Prompt* incidents = find_prompt("open_incidents_by_region_sla");
  REQUIRE(incidents != nullptr);
  CHECK_THROWS_WITH_AS(incidents->text({{"priority", "P9"}}),
                       "argument 'priority': expected one of P1, P2, P3, P4, got \"P9\"", PromptArgumentError);
  CHECK(find_prompt("no_such_prompt") == nullptr);
}
