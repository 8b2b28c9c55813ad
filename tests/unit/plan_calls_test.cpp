// Tests for src/side_effects/plan_calls.cpp on plans PostgreSQL 16 gave for
// EXPLAIN (VERBOSE, FORMAT JSON): a call hidden in a view, in an inlined SQL
// function, behind pg_stat_activity; names that only look like one are not calls.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "side_effects/plan_calls.h"

using fleetmcp::side_effects::find_side_effect_in_plan;
using nlohmann::json;

namespace {

json plan_of(json top) { return json::array({{{"Plan", std::move(top)}}}); }

std::string reason_for(const json& explained) {
  auto found = find_side_effect_in_plan(explained);
  return found ? found->reason : std::string{"(allowed)"};
}

}  // namespace

TEST_CASE("plan calls: a view's advisory lock shows in the subquery's Output") {
  // SELECT x FROM reporting.t_lock, the view being SELECT pg_try_advisory_lock(42) AS got, 1 AS x
  json explained = plan_of({{"Node Type", "Subquery Scan"}, {"Alias", "t_lock"}, {"Output", {"t_lock.x"}},
                            {"Plans", {{{"Node Type", "Result"}, {"Parent Relationship", "Subquery"},
                                        {"Output", {"pg_try_advisory_lock('42'::bigint)", "1"}}}}}});
  std::string reason = reason_for(explained);
  CHECK(reason.starts_with("pg_try_advisory_lock() is refused before it runs: it takes an advisory lock"));
  CHECK(reason.find("called inside a view or SQL function this statement uses (the plan's Result Output: "
                    "`pg_try_advisory_lock('42'::bigint)`)") != std::string::npos);
  CHECK(reason.find("query the tables it reads directly") != std::string::npos);
  CHECK(find_side_effect_in_plan(explained)->offset == 0);
}

TEST_CASE("plan calls: an inlined SQL function's body and a pg_stat_activity view are found") {
  json inlined = plan_of({{"Node Type", "Limit"}, {"Output", {"(pg_try_advisory_xact_lock((device_id)::bigint))"}},
                          {"Plans", {{{"Node Type", "Seq Scan"}, {"Relation Name", "devices"}, {"Schema", "tracksolid"}}}}});
  CHECK(reason_for(inlined).starts_with("pg_try_advisory_xact_lock() is refused"));
  json activity = plan_of({{"Node Type", "Aggregate"}, {"Output", {"count(*)"}},
                           {"Plans", {{{"Node Type", "Function Scan"}, {"Function Name", "pg_stat_get_activity"},
                                       {"Schema", "pg_catalog"}, {"Alias", "s"}, {"Output", {"s.query"}},
                                       {"Function Call", "pg_stat_get_activity(NULL::integer)"}}}}});
  CHECK(reason_for(activity).starts_with("pg_stat_get_activity() is refused before it runs: it shows other sessions' "
                                         "query text"));
  json in_filter = plan_of({{"Node Type", "Seq Scan"}, {"Relation Name", "devices"},
                            {"Filter", "(pg_catalog.pg_notify('c'::text, (plate)::text) IS NOT NULL)"}});
  CHECK(reason_for(in_filter).starts_with("pg_notify() is refused"));
}

TEST_CASE("plan calls: names, literals and ordinary functions are not calls") {
  json plain = plan_of({{"Node Type", "Seq Scan"}, {"Relation Name", "pg_stat_activity"}, {"Alias", "pg_stat_activity"},
                        {"Output", {"lo_id", "'pg_notify(1)'::text", "pg_sleep('0.1'::double precision)"}},
                        {"Filter", "(lower(plate) = 'kca 123a'::text)"}});
  CHECK(reason_for(plain) == "(allowed)");
  CHECK(reason_for(json::array()) == "(allowed)");
}
