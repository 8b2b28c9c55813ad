#include "context/context_service.h"

#include <algorithm>

#include "context/prompt_arguments.h"
#include "context/prompt_catalog.h"
#include "context/resource_uri.h"
#include "db/session.h"
#include "mcp/jsonrpc.h"

namespace fleetmcp::context {
namespace {

using nlohmann::json;
using mcp::error_code::invalid_params;

[[noreturn]] void refuse(std::string message, json data = nullptr) {
  throw mcp::RpcException(invalid_params, std::move(message), std::move(data));
}

// A string member, or a -32602 naming it.
std::string string_member(const json& object, const std::string& path, const char* key, bool required = true) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    if (required) refuse(path + "." + key + ": required");
    return {};
  }
  if (!it->is_string()) refuse(path + "." + key + ": expected a string");
  return it->get<std::string>();
}

using mcp::object_or_empty;

// Single-page lists hand out no cursor, so any cursor is one we cannot honour.
void refuse_cursor(const json& params, const char* method) {
  mcp::refuse_unknown_cursor(params, std::string(method) + " returns everything in one page");
}

void add_cache_hint(json& result, const CacheHint& hint, mcp::Era era) {
  if (era != mcp::Era::modern) return;  // the hints are 2026-07-28's
  result["ttlMs"] = hint.ttl.count();
  result["cacheScope"] = hint.per_caller ? "private" : "public";
}

std::string joined_names(const std::vector<Prompt>& prompts) {
  std::string text;
  for (const auto& prompt : prompts) text += (text.empty() ? "" : ", ") + prompt.name;
  return text;
}

std::string accepted_arguments(const Prompt& prompt) {
  std::string text;
  for (const auto& argument : prompt.arguments)
    text += (text.empty() ? "" : ", ") + argument.name + (argument.required ? " (required)" : "");
  return text;
}

const Prompt& named_prompt(const std::string& name) {
  if (const Prompt* prompt = find_prompt(name)) return *prompt;
  json available = json::array();
  for (const auto& prompt : standard_prompts()) available.push_back(prompt.name);
  refuse("Unknown prompt: " + name.substr(0, 64) + ". Available prompts: " + joined_names(standard_prompts()) +
             " (see prompts/list)",
         {{"availablePrompts", std::move(available)}});
}

// Longest prefix a completion takes: no name the database holds is longer.
void check_completion_value(const std::string& value) {
  if (value.size() > kLongestArgumentValue)
    refuse("params.argument.value: at most " + std::to_string(kLongestArgumentValue) +
           " bytes; send the first characters of the value to complete");
  if (value.find('\0') != std::string::npos) refuse("params.argument.value: must not contain a NUL character");
}

}  // namespace

ContextService::ContextService(tools::ToolEnvironment& environment, ResourceRegistry& resources,
                               std::chrono::milliseconds list_ttl, std::function<std::optional<std::string>()> refusal)
    : environment_(environment),
      resources_(resources),
      list_ttl_(list_ttl),
      refusal_(std::move(refusal)),
      completer_(environment) {}

mcp::ContextMethods::Kind ContextService::kind_of(std::string_view method) const {
  if (method == "resources/list" || method == "resources/read" || method == "completion/complete")
    return Kind::needs_database;
  if (method == "resources/templates/list" || method == "prompts/list" || method == "prompts/get") return Kind::quick;
  return Kind::not_ours;
}

// The table set changes only by DDL, which nothing here watches, and the
// prompts are fixed: no list_changed notifications, so listChanged is false
// (ttlMs tells clients when to look again). No subscriptions either.
json ContextService::capabilities() const {
  return {{"resources", {{"listChanged", false}, {"subscribe", false}}},
          {"prompts", {{"listChanged", false}}},
          {"completions", json::object()}};
}

void ContextService::refuse_if_unsafe() const {
  if (!refusal_) return;
  if (auto why = refusal_()) throw mcp::RpcException(mcp::error_code::internal_error, *why);
}

json ContextService::answer(std::string_view method, const json& params, mcp::Era era,
                            const std::string& caller) const {
  try {
    if (method == "resources/templates/list") return list_templates(params, era);
    if (method == "prompts/list") return list_prompts(params, era);
    if (method == "prompts/get") return get_prompt(params);
    refuse_if_unsafe();
    if (method == "resources/list") return list_resources(params, era, caller);
    if (method == "resources/read") return read_resource(params, era, caller);
    if (method == "completion/complete") return complete(params);
  } catch (const db::CallCancelled&) {
    throw mcp::RpcException(mcp::error_code::internal_error, "Cancelled: the request was cancelled");
  } catch (const db::DatabaseUnavailable& down) {
    throw mcp::RpcException(mcp::error_code::internal_error,
                            std::string("The database is not available: ") + down.what() +
                                ". Run `fleetmcp doctor` to see why, then retry.");
  } catch (const pqxx::sql_error& failure) {
    throw mcp::RpcException(mcp::error_code::internal_error,
                            std::string("The catalog query failed: ") + failure.what() + " Retry shortly.",
                            {{"sqlstate", failure.sqlstate()}});
  }
  throw mcp::RpcException(mcp::error_code::method_not_found, "Method not found: " + std::string(method));
}

json ContextService::list_resources(const json& params, mcp::Era era, const std::string& caller) const {
  const std::string cursor = string_member(object_or_empty(params), "params", "cursor", false);
  ListPage page;
  try {
    page = resources_.list(cursor, caller);
  } catch (const std::invalid_argument& bad) {
    refuse(std::string("params.cursor: ") + bad.what());
  }
  json result = {{"resources", std::move(page.items)}};
  if (!page.next_cursor.empty()) result["nextCursor"] = page.next_cursor;
  add_cache_hint(result, page.hint, era);
  return result;
}

json ContextService::list_templates(const json& params, mcp::Era era) const {
  refuse_cursor(params, "resources/templates/list");
  ListPage page = resources_.templates();
  json result = {{"resourceTemplates", std::move(page.items)}};
  add_cache_hint(result, page.hint, era);
  return result;
}

json ContextService::read_resource(const json& params, mcp::Era era, const std::string& caller) const {
  if (!params.is_object()) refuse("params: required, with the uri to read");
  const std::string uri = string_member(params, "params", "uri");
  // No URI of ours comes near this; a longer one is not echoed back.
  constexpr std::size_t kLongestUri = 2048;
  if (uri.size() > kLongestUri)
    refuse("params.uri: at most " + std::to_string(kLongestUri) +
           " bytes; table URIs are fleetmcp://table/{schema}/{name}, see resources/list");
  try {
    auto [contents, hint] = resources_.read(uri, caller);
    json result = {{"contents", std::move(contents)}};
    add_cache_hint(result, hint, era);
    return result;
  } catch (const ResourceNotFound& missing) {
    const int code = era == mcp::Era::modern ? invalid_params : kLegacyResourceNotFound;
    throw mcp::RpcException(code, std::string("Resource not found: ") + missing.what(), {{"uri", uri}});
  }
}

json ContextService::list_prompts(const json& params, mcp::Era era) const {
  refuse_cursor(params, "prompts/list");
  json prompts = json::array();
  for (const auto& prompt : standard_prompts()) {
    json arguments = json::array();
    for (const auto& argument : prompt.arguments)
      arguments.push_back({{"name", argument.name}, {"description", argument.description}, {"required", argument.required}});
    prompts.push_back({{"name", prompt.name},
                       {"title", prompt.title},
                       {"description", prompt.description},
                       {"arguments", std::move(arguments)}});
  }
  json result = {{"prompts", std::move(prompts)}};
  add_cache_hint(result, {list_ttl_, false}, era);
  return result;
}

json ContextService::get_prompt(const json& params) const {
  if (!params.is_object()) refuse("params: required, with the prompt's name and arguments");
  const Prompt& prompt = named_prompt(string_member(params, "params", "name"));

  PromptValues values;
  if (auto given = params.find("arguments"); given != params.end() && !given->is_null()) {
    if (!given->is_object()) refuse("params.arguments: expected an object of strings");
    for (const auto& [name, value] : given->items()) {
      const bool known = std::any_of(prompt.arguments.begin(), prompt.arguments.end(),
                                     [&](const PromptArgument& argument) { return argument.name == name; });
      if (!known)
        refuse("params.arguments: " + prompt.name + " takes no argument '" + name.substr(0, 64) +
               "'; it takes " + accepted_arguments(prompt));
      if (!value.is_string()) refuse("params.arguments." + name + ": expected a string (prompt arguments are text)");
      if (!value.get<std::string>().empty()) values[name] = value.get<std::string>();
    }
  }
  for (const auto& argument : prompt.arguments)
    if (argument.required && !values.count(argument.name))
      refuse("params.arguments." + argument.name + ": required by " + prompt.name + " (" + argument.description + ")");

  std::string text;
  try {
    text = prompt.text(values);
  } catch (const PromptArgumentError& bad) {
    refuse(prompt.name + ": " + bad.what());
  }
  return {{"description", prompt.description},
          {"messages", json::array({{{"role", "user"}, {"content", {{"type", "text"}, {"text", std::move(text)}}}}})}};
}

json ContextService::complete(const json& params) const {
  if (!params.is_object()) refuse("params: required, with ref and argument");
  auto ref = params.find("ref");
  if (ref == params.end() || !ref->is_object()) refuse("params.ref: required, an object with type ref/prompt or ref/resource");
  auto argument = params.find("argument");
  if (argument == params.end() || !argument->is_object()) refuse("params.argument: required, an object with name and value");
  const std::string argument_name = string_member(*argument, "params.argument", "name");
  const std::string value = string_member(*argument, "params.argument", "value");
  check_completion_value(value);
  json given_arguments = json::object();
  if (auto context = params.find("context"); context != params.end() && context->is_object())
    given_arguments = context->value("arguments", json::object());
  if (!given_arguments.is_object()) refuse("params.context.arguments: expected an object of strings");

  const std::string type = string_member(*ref, "params.ref", "type");
  Completion completion;
  if (type == "ref/prompt") {
    const Prompt& prompt = named_prompt(string_member(*ref, "params.ref", "name"));
    auto found = std::find_if(prompt.arguments.begin(), prompt.arguments.end(),
                              [&](const PromptArgument& candidate) { return candidate.name == argument_name; });
    if (found == prompt.arguments.end())
      refuse("params.argument.name: " + prompt.name + " takes no argument '" + argument_name.substr(0, 64) +
             "'; it takes " + accepted_arguments(prompt));
    completion = completer_.prompt_argument(found->values, value);
  } else if (type == "ref/resource") {
    const std::string uri = string_member(*ref, "params.ref", "uri");
    if (uri != kTableUriTemplate)
      refuse("params.ref.uri: no completions for '" + uri.substr(0, 100) + "'; they are offered for " +
             std::string(kTableUriTemplate) + " (export ids come from the export tool's answer or resources/list)");
    if (argument_name != "schema" && argument_name != "name")
      refuse("params.argument.name: the template's variables are schema and name");
    std::string schema;
    if (auto given = given_arguments.find("schema"); given != given_arguments.end() && given->is_string())
      schema = given->get<std::string>();
    completion = completer_.table_variable(argument_name, value, schema);
  } else {
    refuse("params.ref.type: expected ref/prompt or ref/resource");
  }
  return {{"completion", completion.to_json()}};
}

}  // namespace fleetmcp::context
