// The MCP dispatcher: answers initialize, server/discover, ping and tools/list
// at once, and turns a tools/call into a PreparedCall that a worker runs.
// It knows the protocol eras; it knows nothing of stdin, threads or queues.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "mcp/context_methods.h"
#include "mcp/jsonrpc.h"
#include "mcp/streamed_answer.h"
#include "mcp/protocol_era.h"
#include "tools/tool.h"

namespace fleetmcp::mcp {

struct ServerInfo {
  std::string name = "fleetmcp";
  std::string title;
  std::string version;
  std::string instructions;  // for the model: schemas, tools, how to query well
  // ttlMs on modern list results: the tool set is fixed for the life of the process.
  std::chrono::milliseconds list_ttl = std::chrono::hours(1);
  // A gateway child: many HTTP clients share one stdin, so no request locks
  // the era for the next; each is judged by its own method and _meta.
  bool each_request_stands_alone = false;
  // What was learned of the connected database (time zone, TimescaleDB),
  // appended to the instructions when a client asks for them; may wait
  // briefly for the first connection.
  std::function<std::string()> database_notes;
  // capabilities.extensions, e.g. {"io.modelcontextprotocol/ui": {}} (MCP Apps).
  nlohmann::json extensions = nlohmann::json::object();
};

// Who the audit line names for a call.
struct CallerPolicy {
  std::string default_caller;  // --caller / MCP_CALLER / OS user
  // Only for a child of fleetmcp's own gateway, which authenticates each
  // request: take the caller from params._meta["fleetmcp/caller"]. A stdio
  // client must never be able to name someone else.
  bool trust_meta_caller = false;
};

// Told of every tools/call refused before it reaches a tool (unknown tool,
// malformed params or arguments, the era checks), so the audit trail has one
// line per tools/call.
// Arguments: the caller, the request's params, the error message.
using RefusedCallHook = std::function<void(const std::string&, const nlohmann::json&, const std::string&)>;

// A tools/call that passed every protocol check, ready to run — or a
// resources/prompts/completion request that needs the database, which runs
// on the same worker (tool is null, method names it, arguments holds params).
struct PreparedCall {
  nlohmann::json id;
  const tools::Tool* tool = nullptr;
  nlohmann::json arguments;       // always an object
  std::string caller;
  nlohmann::json progress_token;  // null: no progress wanted
  Era era = Era::legacy;          // decides the result's shape
  bool client_renders_apps = false;  // the client declared the MCP Apps extension
  std::string method = "tools/call";

  // What the logs call it: the tool's name, or the method.
  const std::string& label() const { return tool != nullptr ? tool->name : method; }
};

struct NoReply {};
struct Reply {
  nlohmann::json message;
};
struct CancelRequest {
  nlohmann::json request_id;
  std::string reason;
};
using Routed = std::variant<NoReply, Reply, PreparedCall, CancelRequest>;

// The params of notifications/cancelled as the client meant them, or nullopt
// when there is no usable requestId. A reason that is not a string is
// dropped: a malformed cancellation is to be ignored, never an error
// (cancellation.mdx, Error Handling).
std::optional<CancelRequest> read_cancellation(const nlohmann::json& params);

class Server {
 public:
  // context: resources, prompts and completions; without it those methods
  // answer -32601 and are not advertised.
  Server(ServerInfo info, const tools::ToolRegistry& registry, CallerPolicy callers,
         RefusedCallHook on_refused_call = {}, const ContextMethods* context = nullptr);

  // Decides what one incoming message needs. Call from one thread (the
  // reader): it updates the stream's era lock. Never throws.
  Routed route(const Message& message);

  // Runs a prepared call and returns the response line to send, newline
  // included. Tool failures become isError results. The tool's text goes into
  // the line without another copy (encode_with_text). Safe from any thread;
  // never throws.
  std::string answer_call(const PreparedCall& call, tools::CallContext& context) const;

  // The same, with the answer written while the tool produces it where the
  // tool hands it over (context.write_ahead into `stream`): the line is then
  // finished on `stream` and "" is returned; otherwise the line, as above.
  std::string answer_call(const PreparedCall& call, tools::CallContext& context, StreamedAnswer& stream) const;

  // The response line up to its text's opening quote, for a StreamedAnswer.
  std::string answer_start(const PreparedCall& call) const;

  // The same response as a json value, for tests and handle().
  nlohmann::json run_call(const PreparedCall& call, tools::CallContext& context) const;

  // route() and, for a tools/call, run_call() inline: for tests and for
  // callers that need no concurrency. Cancellation is a no-op here.
  std::optional<nlohmann::json> handle(const nlohmann::json& message);

  Era era() const { return era_.locked(); }

 private:
  Routed route_request(const Request& request);
  nlohmann::json initialize(const nlohmann::json& params);
  nlohmann::json discover() const;
  std::string instructions() const;
  nlohmann::json list_tools(Era era, const nlohmann::json& params) const;
  PreparedCall prepare_call(const Request& request, Era era) const;
  std::string answer_line(const PreparedCall& call, tools::CallContext& context, StreamedAnswer* stream) const;
  nlohmann::json tool_entry(const tools::Tool& tool, bool with_title) const;
  bool call_client_renders_apps(const Request& request, Era era) const;
  nlohmann::json implementation() const;
  nlohmann::json complete(nlohmann::json result, Era era) const;
  nlohmann::json capabilities() const;
  std::string answer_context_call(const PreparedCall& call) const;

  ServerInfo info_;
  const tools::ToolRegistry& registry_;
  std::string caller_of(const nlohmann::json& params) const;

  CallerPolicy callers_;
  RefusedCallHook on_refused_call_;
  const ContextMethods* context_;
  StreamEra era_;
  // What the initialize request's capabilities said (legacy era); a modern
  // request says it again in its own _meta.
  bool initialized_client_renders_apps_ = false;
};

}  // namespace fleetmcp::mcp
