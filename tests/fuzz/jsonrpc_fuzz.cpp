// libFuzzer target for the JSON-RPC message handler: each input is a stdio
// session (lines), fed through decode_line → Server::route → run_call → encode.
// Aborts when a reply breaks an invariant a client relies on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "mcp/jsonrpc.h"
#include "mcp/server.h"
#include "tools/arguments.h"
#include "tools/tool.h"

namespace {

using nlohmann::json;
namespace mcp = fleetmcp::mcp;
namespace tools = fleetmcp::tools;

void require(bool condition) {
  if (!condition) std::abort();
}

// Tools that read their arguments the way the real ones do, and one that
// fails, so argument checking and the failure paths are fuzzed too.
tools::ToolRegistry make_registry() {
  tools::ToolRegistry registry;
  registry.add({"query", "Query", "reads every kind of argument",
                {{"type", "object"}, {"properties", {{"sql", {{"type", "string"}}}}}},
                {{"readOnlyHint", true}},
                [](const json& arguments, tools::CallContext&) {
                  const std::string sql = tools::required_string(arguments, "sql");
                  const auto rows = tools::integer_in_range(arguments, "max_rows", 1000, 1, 10000);
                  const bool verbose = tools::optional_bool(arguments, "verbose", false);
                  const auto schema = tools::optional_string(arguments, "schema");
                  return tools::ToolResult::data({{"sql", sql},
                                                  {"rows", rows},
                                                  {"verbose", verbose},
                                                  {"schema", tools::quote_identifier(schema.value_or(""))}});
                }});
  registry.add({"broken", "", "always fails", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext&) -> tools::ToolResult { throw std::runtime_error("broken"); }});
  return registry;
}

// Every reply is one line of valid JSON-RPC 2.0 that a client can parse back.
json checked_line(const json& message) {
  const std::string line = mcp::encode(message);
  require(line.find('\n') == std::string::npos);
  json parsed = json::parse(line, nullptr, false);
  require(parsed.is_object() && parsed.value("jsonrpc", "") == "2.0");
  require(parsed.contains("result") != parsed.contains("error"));
  return parsed;
}

void check_reply_to(const mcp::Message& message, const json& reply) {
  const json parsed = checked_line(reply);
  if (const auto* request = std::get_if<mcp::Request>(&message)) require(parsed.at("id") == request->id);
  if (parsed.contains("error")) {
    const json& error = parsed["error"];
    require(error.at("code").is_number_integer() && error.at("message").is_string());
  }
}

void handle_line(mcp::Server& server, std::string_view line) {
  const mcp::Message message = mcp::decode_line(line);
  mcp::Routed routed = server.route(message);
  if (auto* reply = std::get_if<mcp::Reply>(&routed)) {
    check_reply_to(message, reply->message);
  } else if (auto* call = std::get_if<mcp::PreparedCall>(&routed)) {
    require(std::holds_alternative<mcp::Request>(message) && call->tool != nullptr && call->arguments.is_object());
    tools::CallContext context;
    context.caller = call->caller;
    const json response = server.run_call(*call, context);
    require(checked_line(response).at("result").at("content").at(0).at("text").is_string());
  } else if (std::holds_alternative<mcp::CancelRequest>(routed)) {
    require(std::holds_alternative<mcp::Notification>(message));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tools::ToolRegistry registry = make_registry();
  // A fresh server per input: the era lock is per stream, and lines of one
  // input are one stream.
  mcp::Server server{{.name = "fleetmcp", .title = "fuzz", .version = "0", .instructions = "fuzz"},
                     registry,
                     {.default_caller = "fuzzer", .trust_meta_caller = size % 2 == 0}};
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (!input.empty()) {
    const std::size_t end = input.find('\n');
    handle_line(server, input.substr(0, end));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + 1);
  }
  return 0;
}
