// resources/prompts/completion as the dispatcher serves them: capabilities
// in both eras, the quick methods answered inline, the database ones handed
// to the worker, and the errors for bad params. No database is needed here:
// the integration tests cover what reads it.
#include <doctest/doctest.h>

#include "context/context_service.h"
#include "context/table_resources.h"
#include "context_methods_without_database.h"
#include "mcp/server.h"

using namespace fleetmcp;
using nlohmann::json;

namespace {

json request(json id, std::string method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", std::move(method)}, {"params", std::move(params)}};
}

json modern(json id, std::string method, json params = json::object()) {
  params["_meta"] = {{mcp::meta_key::protocol_version, "2026-07-28"},
                     {mcp::meta_key::client_capabilities, json::object()}};
  return request(std::move(id), std::move(method), std::move(params));
}

struct Fixture : testing::ContextMethodsWithoutDatabase {
  tools::ToolRegistry tools;
  mcp::Server server{mcp::ServerInfo{}, tools, mcp::CallerPolicy{"alice", false}, {}, &methods};

  Fixture() { resources.add(std::make_unique<context::TableResources>(environment, kTtl)); }

  // The member `which` ("result" or "error") of the reply, which must have it.
  json part(const json& message, const char* which) {
    auto reply = server.handle(message);
    REQUIRE(reply.has_value());
    INFO(reply->dump());
    REQUIRE(reply->contains(which));
    return (*reply)[which];
  }
  json result(const json& message) { return part(message, "result"); }
  json error(const json& message) { return part(message, "error"); }
};

const json expected_capabilities = {{"tools", {{"listChanged", false}}},
                                    {"resources", {{"listChanged", false}, {"subscribe", false}}},
                                    {"prompts", {{"listChanged", false}}},
                                    {"completions", json::object()}};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "both eras advertise resources, prompts and completions") {
  CHECK(result(modern(1, "server/discover"))["capabilities"] == expected_capabilities);
  Fixture legacy;
  const json init = legacy.result(request(1, "initialize",
                                          {{"protocolVersion", "2025-11-25"},
                                           {"capabilities", json::object()},
                                           {"clientInfo", {{"name", "c"}, {"version", "1"}}}}));
  CHECK(init["capabilities"] == expected_capabilities);
}

TEST_CASE("without context methods the server advertises tools only and answers -32601") {
  tools::ToolRegistry tools;
  mcp::Server server{mcp::ServerInfo{}, tools, mcp::CallerPolicy{"alice", false}};
  CHECK(server.handle(request(1, "prompts/list"))->at("error")["code"] == -32601);
}

TEST_CASE_FIXTURE(Fixture, "prompts/list carries the five prompts and, in 2026-07-28, the caching hints") {
  const json legacy = result(request(1, "prompts/list"));
  CHECK(legacy["prompts"].size() == 5);
  CHECK_FALSE(legacy.contains("ttlMs"));
  Fixture other;
  const json listed = other.result(modern(1, "prompts/list"));
  CHECK(listed["ttlMs"] == 300000);
  CHECK(listed["cacheScope"] == "public");
  CHECK(listed["resultType"] == "complete");
  const json& first = listed["prompts"][0];
  CHECK(first["name"] == "top_cost_centres_by_distance");
  CHECK(first["arguments"][0] == json{{"name", "since"}, {"description", "First day, YYYY-MM-DD (Africa/Nairobi), e.g. 2026-10-01"}, {"required", true}});
}

TEST_CASE_FIXTURE(Fixture, "resources/templates/list names the table template") {
  const json listed = result(modern(1, "resources/templates/list"));
  CHECK(listed["resourceTemplates"][0]["uriTemplate"] == "fleetmcp://table/{schema}/{name}");
  CHECK(listed["cacheScope"] == "public");
  CHECK(listed["ttlMs"] == 300000);
  CHECK(error(modern(2, "resources/templates/list", {{"cursor", "abc"}}))["code"] == -32602);
}

TEST_CASE_FIXTURE(Fixture, "prompts/get fills the prompt, and refuses what it cannot use") {
  const json got = result(request(1, "prompts/get", {{"name", "mttr_by_cluster"}, {"arguments", {{"month", "2026-10"}}}}));
  const std::string text = got["messages"][0]["content"]["text"];
  CHECK(got["messages"][0]["role"] == "user");
  CHECK(text.find("tickets.geo_clusters") != std::string::npos);
  CHECK(text.find("(DATE '2026-10-01'::timestamp AT TIME ZONE 'Africa/Nairobi')") != std::string::npos);

  json refused = error(request(2, "prompts/get", {{"name", "nope"}}));
  CHECK(refused["code"] == -32602);
  CHECK(refused["message"].get<std::string>().rfind("Unknown prompt: nope. Available prompts: top_cost_centres_by_distance", 0) == 0);
  CHECK(refused["data"]["availablePrompts"].size() == 5);

  refused = error(request(3, "prompts/get", {{"name", "mttr_by_cluster"}}));
  CHECK(refused["message"] == "params.arguments.month: required by mttr_by_cluster (The month, YYYY-MM, e.g. 2026-10)");
  refused = error(request(4, "prompts/get", {{"name", "mttr_by_cluster"}, {"arguments", {{"month", "October"}}}}));
  CHECK(refused["message"] ==
        "mttr_by_cluster: argument 'month': expected a month as YYYY-MM, e.g. 2026-10, got \"October\"");
  refused = error(request(5, "prompts/get", {{"name", "mttr_by_cluster"}, {"arguments", {{"month", "2026-10"}, {"cluster", "x"}}}}));
  CHECK(refused["message"] == "params.arguments: mttr_by_cluster takes no argument 'cluster'; it takes month (required), region");
  refused = error(request(6, "prompts/get", {{"name", "mttr_by_cluster"}, {"arguments", {{"month", 10}}}}));
  CHECK(refused["message"] == "params.arguments.month: expected a string (prompt arguments are text)");
}

TEST_CASE_FIXTURE(Fixture, "completion/complete refuses hostile values before any database work") {
  const auto ask_completion = [&](json value) {
    return error(request(1, "completion/complete",
                         {{"ref", {{"type", "ref/prompt"}, {"name", "mttr_by_cluster"}}},
                          {"argument", {{"name", "region"}, {"value", std::move(value)}}}}));
  };
  CHECK(ask_completion(std::string(10000, 'a'))["message"] ==
        "params.argument.value: at most 200 bytes; send the first characters of the value to complete");
  CHECK(ask_completion(std::string("We\0st", 5))["message"] == "params.argument.value: must not contain a NUL character");
  CHECK(ask_completion(42)["message"] == "params.argument.value: expected a string");
  CHECK(error(request(2, "completion/complete", {{"ref", {{"type", "ref/tool"}}}, {"argument", {{"name", "a"}, {"value", ""}}}}))["message"] ==
        "params.ref.type: expected ref/prompt or ref/resource");
  CHECK(error(request(3, "completion/complete",
                      {{"ref", {{"type", "ref/resource"}, {"uri", "file:///{x}"}}}, {"argument", {{"name", "x"}, {"value", ""}}}}))["message"] ==
        "params.ref.uri: no completions for 'file:///{x}'; they are offered for fleetmcp://table/{schema}/{name} "
        "(export ids come from the export tool's answer or resources/list)");
}

TEST_CASE_FIXTURE(Fixture, "completion of a free value (a date) needs no database and offers nothing") {
  const json completed = result(request(1, "completion/complete",
                                        {{"ref", {{"type", "ref/prompt"}, {"name", "mttr_by_cluster"}}},
                                         {"argument", {{"name", "month"}, {"value", "2026"}}}}));
  CHECK(completed["completion"] == json{{"values", json::array()}, {"total", 0}, {"hasMore", false}});
  const json priority = result(request(2, "completion/complete",
                                       {{"ref", {{"type", "ref/prompt"}, {"name", "open_incidents_by_region_sla"}}},
                                        {"argument", {{"name", "priority"}, {"value", "p"}}}}));
  CHECK(priority["completion"]["values"] == json::array({"P1", "P2", "P3", "P4"}));
}

TEST_CASE_FIXTURE(Fixture, "resources/read refuses a URI that is not a table URI with the era's not-found code") {
  json refused = error(request(1, "resources/read", {{"uri", "file:///etc/passwd"}}));
  CHECK(refused["code"] == -32002);
  CHECK(refused["data"]["uri"] == "file:///etc/passwd");
  Fixture other;
  refused = other.error(modern(1, "resources/read", {{"uri", "fleetmcp://table/only-one-segment"}}));
  CHECK(refused["code"] == -32602);
  CHECK(refused["message"].get<std::string>().rfind("Resource not found: a table URI is fleetmcp://table/{schema}/{name}", 0) == 0);
  CHECK(other.error(modern(2, "resources/read"))["message"] == "params.uri: required");
  const json long_uri = other.error(modern(3, "resources/read", {{"uri", "fleetmcp://table/a/" + std::string(100000, 'b')}}));
  CHECK(long_uri["message"] ==
        "params.uri: at most 2048 bytes; table URIs are fleetmcp://table/{schema}/{name}, see resources/list");
  CHECK_FALSE(long_uri.contains("data"));
}
