// Resources, prompts and completions against the demo database, wired as
// `fleetmcp serve` wires them: every readable relation is a resource and only
// those; each prompt's query runs as analytics_ro and finds rows; completions
// come from the data and never from an unreadable schema.
#include <algorithm>
#include <chrono>
#include <map>

#include "context/context_service.h"
#include "context/prompt_catalog.h"
#include "context/resource_uri.h"
#include "context/table_resources.h"
#include "mcp/jsonrpc.h"
#include "tools/catalog_tools.h"
#include "test_database.h"

using fleetmcp::testing::Toolbox;
using nlohmann::json;
namespace context = fleetmcp::context;
namespace mcp = fleetmcp::mcp;

namespace {

struct Context {
  Toolbox box;
  context::ResourceRegistry resources;
  context::ContextService methods{*box.environment, resources, std::chrono::minutes(5)};

  explicit Context(fleetmcp::Config config = {}) : box(std::move(config)) {
    resources.add(std::make_unique<context::TableResources>(*box.environment, std::chrono::minutes(5)));
  }

  json answer(const char* method, const json& params, mcp::Era era = mcp::Era::modern) {
    return methods.answer(method, params, era, "amina");
  }
  mcp::RpcError refusal(const char* method, const json& params, mcp::Era era = mcp::Era::modern) {
    try {
      answer(method, params, era);
    } catch (const mcp::RpcException& refused) {
      return refused.error();
    }
    FAIL("expected " << method << " to be refused");
    return {};
  }
  json complete(const json& ref, const std::string& argument, const std::string& value, json given = json::object()) {
    return answer("completion/complete", {{"ref", ref}, {"argument", {{"name", argument}, {"value", value}}},
                                          {"context", {{"arguments", given}}}})["completion"];
  }
};

std::vector<std::string> uris_of(const json& resources) {
  std::vector<std::string> uris;
  for (const auto& resource : resources) uris.push_back(resource["uri"]);
  return uris;
}

const json prompt_ref(const char* name) { return {{"type", "ref/prompt"}, {"name", name}}; }
const json table_ref = {{"type", "ref/resource"}, {"uri", "fleetmcp://table/{schema}/{name}"}};

}  // namespace

TEST_CASE("resources/list shows every readable table and view, with caching hints, and no unreadable schema") {
  Context context;
  const json listed = context.answer("resources/list", json::object());
  CHECK(listed["ttlMs"] == 300000);
  CHECK(listed["cacheScope"] == "public");
  CHECK_FALSE(listed.contains("nextCursor"));
  const auto uris = uris_of(listed["resources"]);
  for (const char* expected : {"fleetmcp://table/reporting/v_trips", "fleetmcp://table/tickets/inc_open_sla",
                               "fleetmcp://table/fuel/records", "fleetmcp://table/tracksolid/positions"})
    CHECK(std::find(uris.begin(), uris.end(), expected) != uris.end());
  for (const auto& uri : uris) {
    INFO(uri);
    CHECK(uri.find("infrastructure") == std::string::npos);
    CHECK(uri.find("_timescaledb") == std::string::npos);
  }
  CHECK(uris.size() == fleetmcp::tools::readable_relation_names(*context.box.environment).size());
  const json& first = listed["resources"][0];
  CHECK(first["mimeType"] == "text/markdown");
  CHECK(first["name"].get<std::string>().find('.') != std::string::npos);
}

TEST_CASE("resources/read gives describe_table's answer as Markdown and as the same JSON") {
  Context context;
  const json read = context.answer("resources/read", {{"uri", "fleetmcp://table/reporting/v_trips"}});
  REQUIRE(read["contents"].size() == 2);
  CHECK(read["cacheScope"] == "public");
  const std::string page = read["contents"][0]["text"];
  CHECK(read["contents"][0]["mimeType"] == "text/markdown");
  CHECK(page.rfind("# reporting.v_trips (materialized view)", 0) == 0);
  CHECK(page.find("| `distance_km` | numeric |") != std::string::npos);
  CHECK(read["contents"][1]["mimeType"] == "application/json");
  const json described = context.box.data("describe_table", {{"schema", "reporting"}, {"table", "v_trips"}});
  CHECK(json::parse(read["contents"][1]["text"].get<std::string>()) == described);
}

TEST_CASE("every listed resource can be read") {
  Context context;
  for (const auto& uri : uris_of(context.answer("resources/list", json::object())["resources"])) {
    INFO(uri);
    CHECK(context.answer("resources/read", {{"uri", uri}})["contents"].size() == 2);
  }
}

TEST_CASE("an unreadable or unknown table URI is not found, in the era's code, without naming what is hidden") {
  Context context;
  auto refused = context.refusal("resources/read", {{"uri", "fleetmcp://table/infrastructure/service_credentials"}});
  CHECK(refused.code == -32602);
  CHECK(refused.data == json{{"uri", "fleetmcp://table/infrastructure/service_credentials"}});
  CHECK(refused.message ==
        "Resource not found: schema 'infrastructure' is not readable through fleetmcp. Readable schemas: reporting, "
        "tracksolid, tickets, fuel.");
  refused = context.refusal("resources/read", {{"uri", "fleetmcp://table/reporting/v_trip"}}, mcp::Era::legacy);
  CHECK(refused.code == -32002);
  CHECK(refused.message.find("Did you mean") != std::string::npos);
  CHECK(refused.message.find("v_trips") != std::string::npos);
  // The chunks of a hypertable are no resource either.
  refused = context.refusal("resources/read", {{"uri", "fleetmcp://table/_timescaledb_internal/_hyper_1_1_chunk"}});
  CHECK(refused.code == -32602);
}

TEST_CASE("each prompt's query runs as analytics_ro against the demo data and finds rows") {
  Context context;
  const std::map<std::string, json> arguments = {
      {"top_cost_centres_by_distance", {{"since", "2026-10-18"}, {"until", "2026-10-31"}, {"limit", "5"}}},
      {"open_incidents_by_region_sla", json::object()},
      {"mttr_by_cluster", {{"month", "2026-10"}}},
      {"fuel_cost_per_km_by_cost_centre", {{"from_month", "2026-10"}, {"to_month", "2026-11"}}},
      {"harsh_braking_leaders", {{"week_start", "2026-10-19"}}}};
  const json listed = context.answer("prompts/list", json::object());
  REQUIRE(listed["prompts"].size() == arguments.size());
  for (const auto& prompt : listed["prompts"]) {
    const std::string name = prompt["name"];
    INFO(name);
    REQUIRE(arguments.count(name) == 1);
    const json got = context.answer("prompts/get", {{"name", name}, {"arguments", arguments.at(name)}});
    const std::string sql = context::query_of(got["messages"][0]["content"]["text"]);
    INFO(sql);
    const json result = context.box.data("query", {{"sql", sql}});
    CHECK(result["row_count"].get<int>() > 0);
  }
}

TEST_CASE("the optional filters of the prompts give queries that run too") {
  Context context;
  const std::vector<std::pair<std::string, json>> filtered = {
      {"open_incidents_by_region_sla", {{"region", "Westlands"}, {"cluster", "NRB-WL-1"}, {"priority", "P3"}}},
      {"mttr_by_cluster", {{"month", "2026-10"}, {"region", "Thika"}}},
      {"fuel_cost_per_km_by_cost_centre", {{"from_month", "2026-10"}, {"cost_centre", "O'Hara's"}}}};
  for (const auto& [name, given] : filtered) {
    INFO(name);
    const json got = context.answer("prompts/get", {{"name", name}, {"arguments", given}});
    const std::string sql = context::query_of(got["messages"][0]["content"]["text"]);
    INFO(sql);
    CHECK(context.box.data("query", {{"sql", sql}})["columns"].size() > 0);
  }
}

TEST_CASE("prompt arguments complete from the data, prefix-matched without regard to case") {
  Context context;
  json regions = context.complete(prompt_ref("mttr_by_cluster"), "region", "w");
  CHECK(regions["values"] == json::array({"Westlands"}));
  CHECK(regions["total"] == 1);
  CHECK(regions["hasMore"] == false);
  json clusters = context.complete(prompt_ref("open_incidents_by_region_sla"), "cluster", "NRB-");
  CHECK(clusters["values"] == json::array({"NRB-CBD-1", "NRB-CBD-2", "NRB-EMB-1", "NRB-EMB-2", "NRB-WL-1", "NRB-WL-2"}));
  json cost_centres = context.complete(prompt_ref("fuel_cost_per_km_by_cost_centre"), "cost_centre", "cc-");
  CHECK(cost_centres["values"].size() > 1);
  for (const auto& value : cost_centres["values"]) CHECK(value.get<std::string>().rfind("CC-", 0) == 0);
  CHECK(context.complete(prompt_ref("mttr_by_cluster"), "region", "%")["values"].empty());
  CHECK(context.complete(prompt_ref("mttr_by_cluster"), "region", "'; SELECT 1 --")["values"].empty());
}

TEST_CASE("template variables complete to readable schemas and their tables only") {
  Context context;
  CHECK(context.complete(table_ref, "schema", "")["values"] == json::array({"reporting", "tracksolid", "tickets", "fuel"}));
  CHECK(context.complete(table_ref, "schema", "inf")["values"].empty());
  json names = context.complete(table_ref, "name", "v_", {{"schema", "reporting"}});
  CHECK(names["values"] == json::array({"v_daily_summary", "v_monthly_cost_centre", "v_trips"}));
  CHECK(context.complete(table_ref, "name", "", {{"schema", "infrastructure"}})["values"].empty());
  CHECK(context.complete(table_ref, "name", "service")["values"].empty());
}

TEST_CASE("a schema left out of MCP_READABLE_SCHEMAS completes nothing and lists nothing") {
  fleetmcp::Config config;
  config.readable_schemas = {"reporting"};
  Context context{config};
  CHECK(context.complete(prompt_ref("mttr_by_cluster"), "region", "")["values"].empty());
  for (const auto& uri : uris_of(context.answer("resources/list", json::object())["resources"]))
    CHECK(uri.rfind("fleetmcp://table/reporting/", 0) == 0);
}

TEST_CASE("a completion is one small query: the p50 over 50 requests is reported") {
  Context context;
  std::vector<double> ms;
  for (int i = 0; i < 50; ++i) {
    const auto started = std::chrono::steady_clock::now();
    const json completed = context.complete(i % 2 ? prompt_ref("mttr_by_cluster") : table_ref, i % 2 ? "region" : "name", "");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    CHECK_FALSE(completed["values"].empty());
  }
  std::sort(ms.begin(), ms.end());
  MESSAGE("completion/complete p50 " << ms[25] << " ms, max " << ms.back() << " ms over 50 requests");
}
