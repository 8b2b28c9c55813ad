// The MCP dispatcher: era checks, the quick methods, and tools/call results.
#include "mcp/server.h"

#include <spdlog/spdlog.h>

#include "apps/ui_extension.h"

namespace fleetmcp::mcp {
namespace {

using nlohmann::json;

// Tool.title and Implementation.title arrived in 2025-06-18; ISO dates compare as strings.
bool has_titles(std::string_view version) { return version >= std::string_view("2025-06-18"); }

[[noreturn]] void invalid_params(std::string message, json data = nullptr) {
  throw RpcException(error_code::invalid_params, std::move(message), std::move(data));
}

// json::value() throws when the key holds another type; client-supplied
// display fields must never turn into an internal error.
std::string string_field(const json& object, const char* key, std::string fallback = {}) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::string client_description(const json& client_info) {
  const std::string name = string_field(client_info, "name", "an unnamed client");
  const std::string version = string_field(client_info, "version");
  return version.empty() ? name : name + " " + version;
}

json tool_result(std::string text, bool is_error) {
  return {{"content", json::array({{{"type", "text"}, {"text", std::move(text)}}})}, {"isError", is_error}};
}

// The tool's answer; failures become isError results.
tools::ToolResult run_tool(const tools::Tool& tool, const json& arguments, tools::CallContext& context) {
  try {
    return tool.handler(arguments, context);
  } catch (const tools::ToolArgumentError& error) {
    return tools::ToolResult::error(error.what());
  } catch (const std::exception& error) {
    spdlog::error("tool {} failed: {}", tool.name, error.what());
    return tools::ToolResult::error(std::string("internal error: ") + error.what());
  } catch (...) {
    spdlog::error("tool {} failed with a non-standard exception", tool.name);
    return tools::ToolResult::error("internal error: the tool failed unexpectedly");
  }
}

json progress_token_of(const json& meta) {
  auto token = meta.find(meta_key::progress_token);
  if (token == meta.end()) return nullptr;
  if (!token->is_string() && !token->is_number_integer())
    invalid_params(std::string("params._meta.") + meta_key::progress_token + ": expected a string or an integer");
  return *token;
}

}  // namespace

std::optional<CancelRequest> read_cancellation(const json& params) {
  const json& given = object_or_empty(params);
  auto id = given.find("requestId");
  if (id == given.end() || !(id->is_string() || id->is_number_integer())) return std::nullopt;
  return CancelRequest{*id, string_field(given, "reason")};
}

Server::Server(ServerInfo info, const tools::ToolRegistry& registry, CallerPolicy callers,
               RefusedCallHook on_refused_call, const ContextMethods* context)
    : info_(std::move(info)),
      registry_(registry),
      callers_(std::move(callers)),
      on_refused_call_(std::move(on_refused_call)),
      context_(context) {}

std::string Server::caller_of(const json& params) const {
  if (callers_.trust_meta_caller && params.is_object()) {
    auto meta = params.find("_meta");
    if (meta != params.end() && meta->is_object()) {
      auto caller = meta->find(meta_key::caller);
      if (caller != meta->end() && caller->is_string()) return caller->get<std::string>();
    }
  }
  return callers_.default_caller;
}

Routed Server::route(const Message& message) {
  if (const auto* request = std::get_if<Request>(&message)) {
    // Every refusal of a tools/call, at whichever check, is audited.
    const auto refuse = [&](const RpcError& error) {
      if (request->method == "tools/call" && on_refused_call_)
        on_refused_call_(caller_of(request->params), request->params, error.message);
      return Reply{error_response(request->id, error)};
    };
    try {
      return route_request(*request);
    } catch (const RpcException& error) {
      return refuse(error.error());
    } catch (const std::exception& error) {
      spdlog::error("internal error answering {}: {}", request->method, error.what());
      return refuse({error_code::internal_error, "Internal error", nullptr});
    }
  }
  if (const auto* note = std::get_if<Notification>(&message)) {
    if (note->method == "notifications/cancelled") {
      if (auto cancel = read_cancellation(note->params)) return std::move(*cancel);
      return NoReply{};
    }
    spdlog::debug("notification {} needs no action", note->method);
    return NoReply{};
  }
  if (const auto* invalid = std::get_if<Invalid>(&message)) return Reply{error_response(invalid->id, invalid->error)};
  spdlog::debug("ignoring a response from the client: this server sends no requests");
  return NoReply{};
}

Routed Server::route_request(const Request& request) {
  if (info_.each_request_stands_alone) era_ = StreamEra{};
  const bool modern_envelope = carries_modern_envelope(request.params);
  const Era era = era_.admit(request.method, modern_envelope);
  if (request.params.is_array()) invalid_params("params: expected an object");

  if (era == Era::modern) {
    // admit() lets only server/discover, the era probe, in without the envelope.
    const json client_info = modern_envelope ? read_modern_envelope(request.params).client_info : json();
    if (era_.locked() == Era::undetermined)
      spdlog::info("{} speaks MCP {} (per-request _meta)", client_description(client_info), modern_version);
    era_.lock_modern();
  }

  const auto reply = [&](json result) { return Reply{result_response(request.id, complete(std::move(result), era))}; };
  if (request.method == "initialize") return reply(initialize(request.params));
  if (request.method == "server/discover") return reply(discover());
  if (request.method == "tools/list") return reply(list_tools(era, request.params));
  if (request.method == "tools/call") return prepare_call(request, era);
  if (const auto kind = context_ ? context_->kind_of(request.method) : ContextMethods::Kind::not_ours;
      kind != ContextMethods::Kind::not_ours) {
    if (kind == ContextMethods::Kind::quick) return reply(context_->answer(request.method, request.params, era, caller_of(request.params)));
    return PreparedCall{request.id, nullptr, object_or_empty(request.params), caller_of(request.params), nullptr, era,
                        false, request.method};
  }
  if (request.method == "ping") {
    if (era == Era::modern)
      throw RpcException(error_code::method_not_found,
                         "Method not found: ping (removed in protocol " + std::string(modern_version) + ")");
    return reply(json::object());
  }
  throw RpcException(error_code::method_not_found, "Method not found: " + request.method);
}

json Server::initialize(const json& params) {
  if (!params.is_object()) invalid_params("params: required, with protocolVersion, capabilities and clientInfo");
  auto requested = params.find("protocolVersion");
  if (requested == params.end()) invalid_params("params.protocolVersion: required");
  if (!requested->is_string()) invalid_params("params.protocolVersion: expected a string");

  const std::string version = negotiate_legacy_version(requested->get<std::string>());
  era_.lock_legacy(version);
  initialized_client_renders_apps_ = apps::client_renders_apps(params.value("capabilities", json()));
  spdlog::info("{} initialized: asked for MCP {}, speaking {}", client_description(params.value("clientInfo", json())),
               requested->get<std::string>(), version);

  json result = {{"protocolVersion", version}, {"capabilities", capabilities()}, {"serverInfo", implementation()}};
  if (!has_titles(version)) result["serverInfo"].erase("title");
  if (auto text = instructions(); !text.empty()) result["instructions"] = std::move(text);
  return result;
}

std::string Server::instructions() const {
  std::string text = info_.instructions;
  if (info_.database_notes) {
    std::string notes = info_.database_notes();
    if (!notes.empty()) text += (text.empty() ? "" : "\n") + notes;
  }
  return text;
}

json Server::discover() const {
  json result = {{"supportedVersions", supported_versions()},
                 {"capabilities", capabilities()},
                 {"ttlMs", info_.list_ttl.count()},
                 {"cacheScope", "public"}};
  if (auto text = instructions(); !text.empty()) result["instructions"] = std::move(text);
  return result;
}

json Server::list_tools(Era era, const json& params) const {
  refuse_unknown_cursor(params, "tools/list returns every tool in one page");
  const bool with_title = era == Era::modern || has_titles(era_.legacy_version());
  json listed = json::array();
  for (const auto& tool : registry_.all()) listed.push_back(tool_entry(tool, with_title));

  json result = {{"tools", std::move(listed)}};
  if (era == Era::modern) {
    result["ttlMs"] = info_.list_ttl.count();
    result["cacheScope"] = "public";  // the same tools for every caller
  }
  return result;
}

// Whether this call's client renders MCP App views: a 2026-07-28 request
// says so in its own _meta; a legacy one said so at initialize. A gateway
// child serves many clients, so a legacy call there cannot know and reads "no".
bool Server::call_client_renders_apps(const Request& request, Era era) const {
  if (era == Era::modern) {
    const json& meta = request.params.value("_meta", json::object());
    return meta.is_object() && apps::client_renders_apps(meta.value(meta_key::client_capabilities, json()));
  }
  return !info_.each_request_stands_alone && initialized_client_renders_apps_;
}

PreparedCall Server::prepare_call(const Request& request, Era era) const {
  if (!request.params.is_object()) invalid_params("params: required, with name and arguments");
  const json& params = request.params;

  auto name = params.find("name");
  if (name == params.end()) invalid_params("params.name: required");
  if (!name->is_string()) invalid_params("params.name: expected a string");
  const tools::Tool* tool = registry_.find(name->get<std::string>());
  if (tool == nullptr) {
    json available = json::array();
    for (const auto& known : registry_.all()) available.push_back(known.name);
    invalid_params("Unknown tool: " + name->get<std::string>(), {{"availableTools", std::move(available)}});
  }

  json arguments = json::object();
  if (auto given = params.find("arguments"); given != params.end() && !given->is_null()) {
    if (!given->is_object()) invalid_params("params.arguments: expected an object");
    arguments = *given;
  }

  PreparedCall call{request.id, tool, std::move(arguments), callers_.default_caller, nullptr, era,
                    call_client_renders_apps(request, era)};
  auto meta_it = params.find("_meta");
  if (meta_it == params.end()) return call;
  if (!meta_it->is_object()) invalid_params("params._meta: expected an object");
  call.progress_token = progress_token_of(*meta_it);
  if (auto caller = meta_it->find(meta_key::caller); callers_.trust_meta_caller && caller != meta_it->end()) {
    if (!caller->is_string() || caller->get<std::string>().empty())
      invalid_params(std::string("params._meta.") + meta_key::caller + ": expected a non-empty string");
    call.caller = caller->get<std::string>();
  }
  return call;
}

std::string Server::answer_call(const PreparedCall& call, tools::CallContext& context) const {
  return answer_line(call, context, nullptr);
}

std::string Server::answer_call(const PreparedCall& call, tools::CallContext& context, StreamedAnswer& stream) const {
  // A call cancelled before its answer started is not answered at all.
  context.write_ahead = [&stream, cancelled = context.is_cancelled](std::string_view text) {
    if (stream.bytes_written() == 0 && cancelled()) return false;
    return stream.write(text);
  };
  return answer_line(call, context, &stream);
}

std::string Server::answer_start(const PreparedCall& call) const {
  return split_at_text(result_response(call.id, complete(tool_result("", false), call.era))).before;
}

std::string Server::answer_line(const PreparedCall& call, tools::CallContext& context, StreamedAnswer* stream) const {
  // Not a tool: its answer is a whole line, never written ahead.
  if (call.tool == nullptr) return answer_context_call(call);
  tools::ToolResult answer = run_tool(*call.tool, call.arguments, context);
  json result = tool_result("", answer.is_error);
  for (auto& more : answer.more_text) result["content"].push_back({{"type", "text"}, {"text", std::move(more)}});
  for (auto& block : answer.more_content) result["content"].push_back(std::move(block));
  if (!answer.structured_content.is_null()) result["structuredContent"] = std::move(answer.structured_content);
  json envelope = result_response(call.id, complete(std::move(result), call.era));
  if (stream != nullptr && stream->started()) {
    // The line is half written: its start cannot change, only its end, and
    // isError (like any further content and structuredContent) sits in the end.
    stream->finish(answer.text, split_at_text(envelope).after);
    return {};
  }
  try {
    return encode_with_text(envelope, std::move(answer.text));
  } catch (const std::exception& error) {
    spdlog::error("encoding the answer of {} failed: {}", call.tool->name, error.what());
    json failed = tool_result("internal error: the answer could not be encoded", true);
    return encode(result_response(call.id, complete(std::move(failed), call.era))) + '\n';
  }
}

// A resources/, prompts/ or completion/ request on the worker: its result,
// or the JSON-RPC error it threw.
std::string Server::answer_context_call(const PreparedCall& call) const {
  json response;
  try {
    response = result_response(call.id, complete(context_->answer(call.method, call.arguments, call.era, call.caller), call.era));
  } catch (const RpcException& error) {
    response = error_response(call.id, error.error());
  } catch (const std::exception& error) {
    spdlog::error("internal error answering {}: {}", call.method, error.what());
    response = error_response(call.id, {error_code::internal_error, "Internal error", nullptr});
  }
  return encode(response) + '\n';
}

json Server::run_call(const PreparedCall& call, tools::CallContext& context) const {
  std::string line = answer_call(call, context);
  line.pop_back();  // the newline
  return json::parse(line);
}

std::optional<json> Server::handle(const json& message) {
  Routed routed = route(classify(message));
  if (auto* reply = std::get_if<Reply>(&routed)) return std::move(reply->message);
  if (auto* call = std::get_if<PreparedCall>(&routed)) {
    tools::CallContext context;
    context.caller = call->caller;
    context.client_renders_apps = call->client_renders_apps;
    return run_call(*call, context);
  }
  return std::nullopt;
}

json Server::tool_entry(const tools::Tool& tool, bool with_title) const {
  json entry = {{"name", tool.name}};
  if (with_title && !tool.title.empty()) entry["title"] = tool.title;
  if (!tool.description.empty()) entry["description"] = tool.description;
  // inputSchema is required and must be an object schema even for a tool without arguments.
  entry["inputSchema"] = tool.input_schema.is_object() ? tool.input_schema : json{{"type", "object"}};
  if (tool.annotations.is_object() && !tool.annotations.empty()) entry["annotations"] = tool.annotations;
  // Tool._meta arrived with titles (2025-06-18); MCP Apps links a tool to its view there.
  if (with_title && tool.meta.is_object() && !tool.meta.empty()) entry["_meta"] = tool.meta;
  return entry;
}

json Server::implementation() const {
  json info = {{"name", info_.name}, {"version", info_.version}};
  if (!info_.title.empty()) info["title"] = info_.title;
  return info;
}

json Server::complete(json result, Era era) const {
  if (era != Era::modern) return result;
  result["resultType"] = "complete";
  result["_meta"] = {{meta_key::server_info, implementation()}};
  return result;
}

json Server::capabilities() const {
  json offered = {{"tools", {{"listChanged", false}}}};
  if (context_ != nullptr) offered.update(context_->capabilities());
  if (info_.extensions.is_object() && !info_.extensions.empty()) offered["extensions"] = info_.extensions;
  return offered;
}

}  // namespace fleetmcp::mcp
