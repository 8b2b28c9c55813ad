// Tests the dispatcher: both eras' handshakes and result shapes, tools/list,
// tools/call outcomes, method and params errors, era locking, caller policy.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "mcp/server.h"

using namespace fleetmcp;
using namespace fleetmcp::mcp;
using nlohmann::json;

namespace {

tools::ToolRegistry test_registry() {
  tools::ToolRegistry registry;
  registry.add({"echo", "Echo", "Returns its arguments.",
                {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}},
                {{"readOnlyHint", true}},
                [](const json& arguments, tools::CallContext&) { return tools::ToolResult::data(arguments); }});
  registry.add({"whoami", "", "Returns the caller.", nullptr, nullptr,
                [](const json&, tools::CallContext& context) { return tools::ToolResult{context.caller}; }});
  registry.add({"picky", "", "Refuses its arguments.", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext&) -> tools::ToolResult {
                  throw tools::ToolArgumentError("schema: expected one of reporting, fuel");
                }});
  registry.add({"broken", "", "Fails inside.", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext&) -> tools::ToolResult { throw std::runtime_error("disk on fire"); }});
  registry.add({"refuses", "", "Answers with a tool error.", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext&) { return tools::ToolResult::error("relation does not exist"); }});
  return registry;
}

ServerInfo test_info() {
  ServerInfo info;
  info.title = "Fleet analytics";
  info.version = "9.9.9";
  info.instructions = "Use query for SQL.";
  info.list_ttl = std::chrono::minutes(5);
  return info;
}

json request(json id, std::string method, json params = nullptr) {
  json message = {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", std::move(method)}};
  if (!params.is_null()) message["params"] = std::move(params);
  return message;
}

json modern_meta() {
  return {{meta_key::protocol_version, "2026-07-28"},
          {meta_key::client_capabilities, json::object()},
          {meta_key::client_info, {{"name", "test-client"}, {"version", "2.0"}}}};
}

json modern(json id, std::string method, json params = json::object()) {
  params["_meta"] = modern_meta();
  return request(std::move(id), std::move(method), std::move(params));
}

json initialize_params(std::string version) {
  return {{"protocolVersion", std::move(version)},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "legacy-client"}, {"version", "1.0"}}}};
}

struct Fixture {
  tools::ToolRegistry registry = test_registry();
  Server server{test_info(), registry, CallerPolicy{"alice", false}};

  json ask(const json& message) {
    auto reply = server.handle(message);
    REQUIRE(reply.has_value());
    return *reply;
  }
  json result(const json& message) {
    json reply = ask(message);
    INFO(reply.dump());
    REQUIRE(reply.contains("result"));
    return reply["result"];
  }
  json error(const json& message) {
    json reply = ask(message);
    INFO(reply.dump());
    REQUIRE(reply.contains("error"));
    return reply["error"];
  }
  void initialize(std::string version = "2025-11-25") { result(request(0, "initialize", initialize_params(version))); }
};

std::string text_of(const json& call_result) { return call_result["content"][0]["text"].get<std::string>(); }

}  // namespace

TEST_CASE_FIXTURE(Fixture, "initialize answers the negotiated version, capabilities, serverInfo and instructions") {
  const json reply = ask(request(1, "initialize", initialize_params("2025-11-25")));
  CHECK(reply["id"] == 1);
  const json& result = reply["result"];
  CHECK(result["protocolVersion"] == "2025-11-25");
  CHECK(result["capabilities"] == json{{"tools", {{"listChanged", false}}}});
  CHECK(result["serverInfo"] == json{{"name", "fleetmcp"}, {"version", "9.9.9"}, {"title", "Fleet analytics"}});
  CHECK(result["instructions"] == "Use query for SQL.");
  CHECK_FALSE(result.contains("resultType"));
  CHECK(server.era() == Era::legacy);
}

TEST_CASE_FIXTURE(Fixture, "initialize with an unknown version gets the latest legacy one") {
  CHECK(result(request(1, "initialize", initialize_params("2024-11-05")))["protocolVersion"] == "2025-11-25");
}

TEST_CASE_FIXTURE(Fixture, "2025-03-26 sessions get no titles, which that version does not define") {
  const json init = result(request(1, "initialize", initialize_params("2025-03-26")));
  CHECK(init["protocolVersion"] == "2025-03-26");
  CHECK_FALSE(init["serverInfo"].contains("title"));
  CHECK_FALSE(result(request(2, "tools/list"))["tools"][0].contains("title"));
}

TEST_CASE_FIXTURE(Fixture, "odd client display fields never become internal errors") {
  json params = initialize_params("2025-11-25");
  params["clientInfo"] = {{"name", 42}, {"version", json::array()}};
  CHECK(result(request(1, "initialize", params))["protocolVersion"] == "2025-11-25");
  const Routed routed = server.route(classify(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 1}, {"reason", 7}}}}));
  REQUIRE(std::holds_alternative<CancelRequest>(routed));
  CHECK(std::get<CancelRequest>(routed).reason.empty());
}

TEST_CASE_FIXTURE(Fixture, "initialize needs a protocolVersion string") {
  CHECK(error(request(1, "initialize", json::object()))["message"] == "params.protocolVersion: required");
  CHECK(error(request(1, "initialize", {{"protocolVersion", 5}}))["message"] ==
        "params.protocolVersion: expected a string");
  CHECK(error(request(1, "initialize"))["code"] == error_code::invalid_params);
  CHECK(server.era() == Era::undetermined);
}

TEST_CASE_FIXTURE(Fixture, "legacy ping answers an empty result; initialized is a silent notification") {
  initialize();
  CHECK_FALSE(server.handle({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}).has_value());
  CHECK(result(request("p", "ping")) == json::object());
}

TEST_CASE_FIXTURE(Fixture, "legacy tools/list lists every tool in registry order with its shape") {
  initialize();
  const json listed = result(request(2, "tools/list"));
  CHECK_FALSE(listed.contains("ttlMs"));
  REQUIRE(listed["tools"].size() == 5);
  std::vector<std::string> names;
  for (const auto& tool : listed["tools"]) names.push_back(tool["name"]);
  CHECK(names == std::vector<std::string>{"echo", "whoami", "picky", "broken", "refuses"});

  const json& echo = listed["tools"][0];
  CHECK(echo["title"] == "Echo");
  CHECK(echo["description"] == "Returns its arguments.");
  CHECK(echo["inputSchema"]["properties"]["text"]["type"] == "string");
  CHECK(echo["annotations"] == json{{"readOnlyHint", true}});

  const json& whoami = listed["tools"][1];
  CHECK_FALSE(whoami.contains("title"));
  CHECK_FALSE(whoami.contains("annotations"));
  CHECK(whoami["inputSchema"] == json{{"type", "object"}});  // required even when the tool declares none
}

TEST_CASE_FIXTURE(Fixture, "tools/list refuses a cursor it never issued") {
  const json error_body = error(request(2, "tools/list", {{"cursor", "abc"}}));
  CHECK(error_body["code"] == error_code::invalid_params);
  CHECK(std::string(error_body["message"]).starts_with("params.cursor"));
}

TEST_CASE_FIXTURE(Fixture, "tools/call returns the handler's text as content, isError false") {
  initialize();
  const json called = result(request(3, "tools/call", {{"name", "echo"}, {"arguments", {{"text", "hi"}}}}));
  CHECK(called["isError"] == false);
  CHECK(called["content"].size() == 1);
  CHECK(called["content"][0]["type"] == "text");
  CHECK(json::parse(text_of(called)) == json{{"text", "hi"}});
}

TEST_CASE_FIXTURE(Fixture, "missing arguments are an empty object") {
  CHECK(json::parse(text_of(result(request(3, "tools/call", {{"name", "echo"}})))) == json::object());
}

TEST_CASE_FIXTURE(Fixture, "tool failures are results with isError and a readable message") {
  json called = result(request(4, "tools/call", {{"name", "picky"}, {"arguments", json::object()}}));
  CHECK(called["isError"] == true);
  CHECK(text_of(called) == "schema: expected one of reporting, fuel");

  called = result(request(5, "tools/call", {{"name", "broken"}}));
  CHECK(called["isError"] == true);
  CHECK(text_of(called) == "internal error: disk on fire");

  called = result(request(6, "tools/call", {{"name", "refuses"}}));
  CHECK(called["isError"] == true);
  CHECK(text_of(called) == "relation does not exist");
}

TEST_CASE_FIXTURE(Fixture, "an unknown tool is a -32602 protocol error naming it") {
  const json error_body = error(request(7, "tools/call", {{"name", "drop_everything"}}));
  CHECK(error_body["code"] == error_code::invalid_params);
  CHECK(error_body["message"] == "Unknown tool: drop_everything");
  CHECK(error_body["data"]["availableTools"][0] == "echo");
}

TEST_CASE_FIXTURE(Fixture, "tools/call params errors name the field") {
  CHECK(error(request(8, "tools/call", {{"arguments", json::object()}}))["message"] == "params.name: required");
  CHECK(error(request(8, "tools/call", {{"name", 3}}))["message"] == "params.name: expected a string");
  CHECK(error(request(8, "tools/call", {{"name", "echo"}, {"arguments", "x"}}))["message"] ==
        "params.arguments: expected an object");
  CHECK(error(request(8, "tools/call", {{"name", "echo"}, {"arguments", json::array()}}))["message"] ==
        "params.arguments: expected an object");
  CHECK(error(request(8, "tools/call", {{"name", "echo"}, {"_meta", {{"progressToken", 1.5}}}}))["message"] ==
        "params._meta.progressToken: expected a string or an integer");
  CHECK(error(request(8, "tools/call"))["code"] == error_code::invalid_params);
  CHECK(error(request(8, "tools/call", json::array({"echo"})))["message"] == "params: expected an object");
}

TEST_CASE_FIXTURE(Fixture, "an unknown method is -32601 naming it, in both eras") {
  initialize();
  json error_body = error(request(9, "resources/list"));
  CHECK(error_body["code"] == error_code::method_not_found);
  CHECK(error_body["message"] == "Method not found: resources/list");
  CHECK(error(request(9, "logging/setLevel", {{"level", "info"}}))["code"] == error_code::method_not_found);
}

TEST_CASE_FIXTURE(Fixture, "invalid messages are answered with their error") {
  const json reply = ask(json::array());
  CHECK(reply["error"]["code"] == error_code::invalid_request);
  CHECK_FALSE(reply.contains("id"));
}

TEST_CASE_FIXTURE(Fixture, "server/discover answers versions, capabilities, cache hints and serverInfo in _meta") {
  const json reply = ask(modern("d1", "server/discover"));
  CHECK(reply["id"] == "d1");
  const json& result = reply["result"];
  CHECK(result["resultType"] == "complete");
  CHECK(result["supportedVersions"] == json(supported_versions()));
  CHECK(result["capabilities"] == json{{"tools", {{"listChanged", false}}}});
  CHECK(result["instructions"] == "Use query for SQL.");
  CHECK(result["ttlMs"] == 300000);
  CHECK(result["cacheScope"] == "public");
  CHECK(result["_meta"][meta_key::server_info] ==
        json{{"name", "fleetmcp"}, {"version", "9.9.9"}, {"title", "Fleet analytics"}});
  CHECK_FALSE(result.contains("serverInfo"));
  CHECK(server.era() == Era::modern);
}

TEST_CASE_FIXTURE(Fixture, "server/discover without _meta is still answered: it is the era probe") {
  CHECK(result(request(1, "server/discover"))["resultType"] == "complete");
  CHECK(server.era() == Era::modern);
}

TEST_CASE_FIXTURE(Fixture, "modern results carry resultType and serverInfo; lists carry ttlMs and cacheScope") {
  const json listed = result(modern(1, "tools/list"));
  CHECK(server.era() == Era::modern);  // the envelope alone locks the era, no discover needed
  CHECK(listed["resultType"] == "complete");
  CHECK(listed["ttlMs"] == 300000);
  CHECK(listed["cacheScope"] == "public");
  CHECK(listed["_meta"][meta_key::server_info]["name"] == "fleetmcp");
  CHECK(listed["tools"][0]["title"] == "Echo");

  const json called = result(modern(2, "tools/call", {{"name", "echo"}, {"arguments", {{"a", 1}}}}));
  CHECK(called["resultType"] == "complete");
  CHECK(called["isError"] == false);
  CHECK(called["_meta"][meta_key::server_info]["version"] == "9.9.9");
  CHECK_FALSE(called.contains("ttlMs"));

  const json failed = result(modern(3, "tools/call", {{"name", "broken"}}));
  CHECK(failed["resultType"] == "complete");
  CHECK(failed["isError"] == true);
}

TEST_CASE_FIXTURE(Fixture, "an unsupported modern version is -32022 and does not lock the stream") {
  json message = modern(1, "tools/list");
  message["params"]["_meta"][meta_key::protocol_version] = "2099-01-01";
  const json error_body = error(message);
  CHECK(error_body["code"] == error_code::unsupported_protocol_version);
  CHECK(error_body["data"]["requested"] == "2099-01-01");
  CHECK(error_body["data"]["supported"][0] == "2026-07-28");
  CHECK(server.era() == Era::undetermined);
}

TEST_CASE_FIXTURE(Fixture, "modern streams have no ping and need the envelope on every request") {
  result(modern(1, "server/discover"));
  CHECK(error(modern(2, "ping"))["code"] == error_code::method_not_found);
  const json bare = error(request(3, "tools/list"));
  CHECK(bare["code"] == error_code::invalid_params);
  CHECK(std::string(bare["message"]).find(meta_key::protocol_version) != std::string::npos);
  const json init = error(request(4, "initialize", initialize_params("2025-11-25")));
  CHECK(init["code"] == error_code::invalid_request);
  CHECK(init["data"]["supported"][0] == "2026-07-28");
}

TEST_CASE_FIXTURE(Fixture, "legacy streams refuse modern requests and a second initialize") {
  initialize();
  CHECK(error(modern(1, "tools/list"))["code"] == error_code::invalid_request);
  CHECK(error(modern(2, "server/discover"))["code"] == error_code::invalid_request);
  CHECK(error(request(3, "initialize", initialize_params("2025-11-25")))["code"] == error_code::invalid_request);
  CHECK(result(request(4, "tools/list"))["tools"].size() == 5);  // still serving the legacy client
}

TEST_CASE_FIXTURE(Fixture, "requests before initialize are served as legacy without locking") {
  CHECK(result(request(1, "tools/list"))["tools"].size() == 5);
  CHECK(result(request(2, "ping")) == json::object());
  CHECK(server.era() == Era::undetermined);
  initialize();
  CHECK(server.era() == Era::legacy);
}

TEST_CASE_FIXTURE(Fixture, "the caller comes from the policy, and _meta cannot override it on an untrusted server") {
  CHECK(text_of(result(request(1, "tools/call", {{"name", "whoami"}}))) == "alice");
  const json spoof = {{"name", "whoami"}, {"_meta", {{meta_key::caller, "mallory"}}}};
  CHECK(text_of(result(request(2, "tools/call", spoof))) == "alice");
}

TEST_CASE("a trusted gateway child takes the caller from _meta") {
  const tools::ToolRegistry registry = test_registry();
  Server server(test_info(), registry, CallerPolicy{"gateway", true});
  const auto reply = server.handle(request(1, "tools/call", {{"name", "whoami"}, {"_meta", {{meta_key::caller, "bob"}}}}));
  CHECK(text_of((*reply)["result"]) == "bob");
  const auto unnamed = server.handle(request(2, "tools/call", {{"name", "whoami"}}));
  CHECK(text_of((*unnamed)["result"]) == "gateway");
  const auto blank = server.handle(request(3, "tools/call", {{"name", "whoami"}, {"_meta", {{meta_key::caller, ""}}}}));
  CHECK((*blank)["error"]["code"] == error_code::invalid_params);
}

TEST_CASE_FIXTURE(Fixture, "cancellations route to the worker; malformed ones and responses are ignored") {
  Routed routed = server.route(classify(
      {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", 12}, {"reason", "user"}}}}));
  REQUIRE(std::holds_alternative<CancelRequest>(routed));
  CHECK(std::get<CancelRequest>(routed).request_id == 12);
  CHECK(std::get<CancelRequest>(routed).reason == "user");

  routed = server.route(classify({{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", nullptr}}}}));
  CHECK(std::holds_alternative<NoReply>(routed));
  CHECK_FALSE(server.handle({{"jsonrpc", "2.0"}, {"id", 5}, {"result", json::object()}}).has_value());
}

TEST_CASE_FIXTURE(Fixture, "tools/call is prepared for the worker with its progress token and era") {
  json params = {{"name", "echo"}, {"arguments", {{"x", 1}}}};
  params["_meta"] = modern_meta();
  params["_meta"]["progressToken"] = "tok";
  const Routed routed = server.route(classify(request(11, "tools/call", params)));
  REQUIRE(std::holds_alternative<PreparedCall>(routed));
  const auto& call = std::get<PreparedCall>(routed);
  CHECK(call.id == 11);
  CHECK(call.tool->name == "echo");
  CHECK(call.arguments == json{{"x", 1}});
  CHECK(call.progress_token == "tok");
  CHECK(call.caller == "alice");
  CHECK(call.era == Era::modern);
}

TEST_CASE("every refused tools/call reaches the audit hook once, naming the trusted caller") {
  const tools::ToolRegistry registry = test_registry();
  std::vector<std::pair<std::string, std::string>> audited;  // caller, error
  Server server(test_info(), registry, CallerPolicy{"gateway-os-user", true},
                [&](const std::string& caller, const json&, const std::string& error) { audited.emplace_back(caller, error); });
  const json bob = {{meta_key::caller, "bob"}};
  const json refused[] = {
      request(1, "tools/call"),                                            // no params at all
      request(2, "tools/call", json::array({"whoami"})),                   // params an array
      request(3, "tools/call", {{"name", "nope"}, {"_meta", bob}}),        // unknown tool
      request(4, "tools/call", {{"name", "whoami"}, {"arguments", 1}, {"_meta", bob}}),  // arguments not an object
      request(5, "tools/call", {{"name", "whoami"}, {"_meta", "bob"}}),    // _meta a string
  };
  for (const json& call : refused) {
    CAPTURE(call.dump());
    const std::size_t before = audited.size();
    CHECK(server.handle(call)->contains("error"));
    CHECK(audited.size() == before + 1);
  }
  CHECK(audited[2].first == "bob");
  CHECK(audited[3].first == "bob");
  CHECK(audited[1].second == "params: expected an object");
  // Other methods' refusals are not tool calls.
  CHECK(server.handle(request(6, "tools/list", json::array()))->contains("error"));
  CHECK(audited.size() == 5);
}

TEST_CASE("a cancellation's reason that is not a string is dropped, the cancellation kept") {
  for (const json& reason : {json(5), json::array(), json::object(), json(nullptr), json(true)}) {
    CAPTURE(reason.dump());
    const auto cancel = read_cancellation({{"requestId", "r1"}, {"reason", reason}});
    REQUIRE(cancel.has_value());
    CHECK(cancel->request_id == "r1");
    CHECK(cancel->reason.empty());
  }
  for (const json& params : {json(nullptr), json::array({1}), json("x"), json{{"requestId", json::object()}},
                            json{{"requestId", 1.5}}}) {
    CAPTURE(params.dump());
    CHECK_FALSE(read_cancellation(params).has_value());
  }
}
