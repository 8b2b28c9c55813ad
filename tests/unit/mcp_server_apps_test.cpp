// Tests the dispatcher's MCP Apps parts: the ui extension in capabilities,
// the client's declaration in each era, a tool's _meta, structured content,
// and resources/list and resources/read of the views through the resource
// registry (the views' provider alone, so no database is needed).
#include <string>

#include <doctest/doctest.h>

#include "apps/app_resources.h"
#include "apps/app_view_resources.h"
#include "apps/ui_extension.h"
#include "context_methods_without_database.h"
#include "mcp/server.h"

using namespace fleetmcp;
using namespace fleetmcp::mcp;
using nlohmann::json;

namespace {

tools::ToolRegistry app_registry() {
  tools::ToolRegistry registry;
  tools::Tool tool{"draw", "Draw", "Draws.", {{"type", "object"}}, {{"readOnlyHint", true}},
                   [](const json&, tools::CallContext& context) {
                     tools::ToolResult result{"summary"};
                     result.structured_content = {{"rows", json::array({1, 2})}};
                     if (!context.client_renders_apps) result.more_text.push_back("[1,2]");
                     return result;
                   }};
  tool.meta = {{"ui", {{"resourceUri", "ui://test/view.html"}}}};
  registry.add(tool);
  return registry;
}

ServerInfo app_info() {
  ServerInfo info;
  info.version = std::string(1, '1');  // not a literal: GCC 12 warns (-Wrestrict) on inlining that assignment here
  info.extensions = {{apps::kUiExtension, json::object()}};
  return info;
}

json request(int id, std::string method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::move(method)}, {"params", std::move(params)}};
}

json ui_capabilities() { return {{"extensions", {{apps::kUiExtension, {{"mimeTypes", {apps::kAppMimeType}}}}}}}; }

json initialize(json capabilities, std::string version = "2025-11-25") {
  return request(1, "initialize", {{"protocolVersion", version}, {"capabilities", std::move(capabilities)},
                                   {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
}

json modern(int id, std::string method, json params, json capabilities) {
  params["_meta"] = {{meta_key::protocol_version, "2026-07-28"}, {meta_key::client_capabilities, std::move(capabilities)}};
  return request(id, std::move(method), std::move(params));
}

// The resources, prompts and completions the dispatcher hands on, with the
// app views as the registry's only family.
struct AppContext : testing::ContextMethodsWithoutDatabase {
  AppContext() { resources.add(std::make_unique<apps::AppViewResources>(kTtl)); }
};

}  // namespace

TEST_CASE("a client declares MCP Apps with the extension's mimeTypes; anything else reads as no") {
  CHECK(apps::client_renders_apps(ui_capabilities()));
  CHECK_FALSE(apps::client_renders_apps(json::object()));
  CHECK_FALSE(apps::client_renders_apps({{"extensions", {{apps::kUiExtension, json::object()}}}}));
  CHECK_FALSE(apps::client_renders_apps({{"extensions", {{apps::kUiExtension, {{"mimeTypes", {"text/html"}}}}}}}));
  CHECK_FALSE(apps::client_renders_apps({{"extensions", {{apps::kUiExtension, {{"mimeTypes", "text/html;profile=mcp-app"}}}}}}));
  CHECK_FALSE(apps::client_renders_apps({{"extensions", 7}}));
  CHECK_FALSE(apps::client_renders_apps(nullptr));
}

TEST_CASE("initialize and server/discover advertise resources and the ui extension in one capabilities object") {
  auto registry = app_registry();
  AppContext context;
  Server legacy{app_info(), registry, {}, {}, &context.methods};
  json capabilities = legacy.handle(initialize(json::object())).value()["result"]["capabilities"];
  CHECK(capabilities["extensions"] == json{{apps::kUiExtension, json::object()}});
  CHECK(capabilities["resources"] == json{{"listChanged", false}, {"subscribe", false}});
  CHECK(capabilities.contains("prompts"));
  CHECK(capabilities.contains("completions"));
  Server modern_server{app_info(), registry, {}, {}, &context.methods};
  json discovered = modern_server.handle(modern(1, "server/discover", json::object(), json::object())).value();
  CHECK(discovered["result"]["capabilities"]["extensions"].contains(apps::kUiExtension));
}

TEST_CASE("without context methods there is no resources capability and resources/read is not a method") {
  auto registry = app_registry();
  Server server{app_info(), registry, {}};
  CHECK_FALSE(server.handle(initialize(json::object())).value()["result"]["capabilities"].contains("resources"));
  CHECK(server.handle(request(2, "resources/read", {{"uri", "ui://test/view.html"}})).value()["error"]["code"] == -32601);
}

TEST_CASE("tools/list links the tool to its view in _meta from 2025-06-18 on") {
  auto registry = app_registry();
  Server current{app_info(), registry, {}};
  current.handle(initialize(json::object()));
  CHECK(current.handle(request(2, "tools/list")).value()["result"]["tools"][0]["_meta"]["ui"]["resourceUri"] ==
        "ui://test/view.html");
  Server old{app_info(), registry, {}};
  old.handle(initialize(json::object(), "2025-03-26"));
  CHECK_FALSE(old.handle(request(2, "tools/list")).value()["result"]["tools"][0].contains("_meta"));
}

TEST_CASE("a legacy client that declared MCP Apps gets the summary and structured content only") {
  auto registry = app_registry();
  Server server{app_info(), registry, {}};
  server.handle(initialize(ui_capabilities()));
  json result = server.handle(request(2, "tools/call", {{"name", "draw"}})).value()["result"];
  CHECK(result["content"] == json::array({{{"type", "text"}, {"text", "summary"}}}));
  CHECK(result["structuredContent"] == json{{"rows", {1, 2}}});
  CHECK(result["isError"] == false);
}

TEST_CASE("a client without MCP Apps gets the data as text too, never an error") {
  auto registry = app_registry();
  Server server{app_info(), registry, {}};
  server.handle(initialize(json::object()));
  json result = server.handle(request(2, "tools/call", {{"name", "draw"}})).value()["result"];
  CHECK(result["content"].size() == 2);
  CHECK(result["content"][1]["text"] == "[1,2]");
  CHECK(result["structuredContent"]["rows"] == json{1, 2});
}

TEST_CASE("a modern request declares MCP Apps in its own _meta") {
  auto registry = app_registry();
  Server server{app_info(), registry, {}};
  json with = server.handle(modern(2, "tools/call", {{"name", "draw"}}, ui_capabilities())).value()["result"];
  CHECK(with["content"].size() == 1);
  json without = server.handle(modern(3, "tools/call", {{"name", "draw"}}, json::object())).value()["result"];
  CHECK(without["content"].size() == 2);
}

TEST_CASE("a gateway child cannot know a legacy call's client, so it sends the data as text") {
  auto registry = app_registry();
  ServerInfo info = app_info();
  info.each_request_stands_alone = true;
  Server server{info, registry, {}};
  server.handle(initialize(ui_capabilities()));
  CHECK(server.handle(request(2, "tools/call", {{"name", "draw"}})).value()["result"]["content"].size() == 2);
}

TEST_CASE("resources/list and resources/read serve the views; modern answers carry caching hints") {
  auto registry = app_registry();
  AppContext context;
  Server server{app_info(), registry, {}, {}, &context.methods};
  server.handle(initialize(json::object()));
  json listed = server.handle(request(2, "resources/list")).value()["result"];
  CHECK(listed["resources"][0]["uri"] == apps::kChartViewUri);
  CHECK_FALSE(listed.contains("ttlMs"));
  json read = server.handle(request(3, "resources/read", {{"uri", apps::kChartViewUri}})).value()["result"];
  CHECK(read["contents"][0]["mimeType"] == apps::kAppMimeType);
  CHECK(read["contents"][0]["text"].get<std::string>().rfind("<!doctype html>", 0) == 0);
  Server modern_server{app_info(), registry, {}, {}, &context.methods};
  json listed_modern = modern_server.handle(modern(4, "resources/list", json::object(), json::object())).value()["result"];
  CHECK(listed_modern["ttlMs"] == 300000);
  CHECK(listed_modern["cacheScope"] == "public");
  json read_modern =
      modern_server.handle(modern(5, "resources/read", {{"uri", apps::kChartViewUri}}, json::object())).value()["result"];
  CHECK(read_modern["ttlMs"] == 300000);
  CHECK(read_modern["cacheScope"] == "public");
  json templates =
      modern_server.handle(modern(6, "resources/templates/list", json::object(), json::object())).value()["result"];
  CHECK(templates["resourceTemplates"] == json::array());
  CHECK(templates["cacheScope"] == "public");
}

TEST_CASE("an unknown or malformed view read is a precise error in each era") {
  auto registry = app_registry();
  AppContext context;
  Server server{app_info(), registry, {}, {}, &context.methods};
  server.handle(initialize(json::object()));
  json missing = server.handle(request(2, "resources/read", {{"uri", "ui://fleetmcp/nope.html"}})).value()["error"];
  CHECK(missing["code"] == -32002);
  CHECK(missing["message"] == std::string("Resource not found: no MCP App view has this URI; the chart view is ") +
                                  apps::kChartViewUri + " (see resources/list)");
  CHECK(missing["data"]["uri"] == "ui://fleetmcp/nope.html");
  CHECK(server.handle(request(3, "resources/read", json::object())).value()["error"]["message"] == "params.uri: required");
  CHECK(server.handle(request(4, "resources/read", {{"uri", 5}})).value()["error"]["message"] ==
        "params.uri: expected a string");
  CHECK(server.handle(request(5, "resources/list", {{"cursor", "x"}})).value()["error"]["code"] == -32602);
  Server modern_server{app_info(), registry, {}, {}, &context.methods};
  json modern_missing =
      modern_server.handle(modern(6, "resources/read", {{"uri", "ui://x"}}, json::object())).value()["error"];
  CHECK(modern_missing["code"] == -32602);
}

TEST_CASE("the chart view is served as an MCP App, whole and self-contained") {
  auto read = apps::read_app_resource(apps::kChartViewUri);
  REQUIRE(read);
  const json& content = (*read)["contents"][0];
  CHECK(content["mimeType"] == "text/html;profile=mcp-app");
  const std::string html = content["text"];
  CHECK(html.rfind("<!doctype html>", 0) == 0);
  CHECK(html.find("/*BUNDLE*/") == std::string::npos);
  CHECK(html.find("<script src=") == std::string::npos);  // nothing loaded from elsewhere
  CHECK(content["_meta"]["ui"]["csp"] == json::object());
  CHECK_FALSE(apps::read_app_resource("ui://fleetmcp/other.html"));
  CHECK(apps::app_resource_entries()[0]["uri"] == apps::kChartViewUri);
}
