// A tool is data: its name, description for the model, input schema and the
// handler that answers a call. The MCP dispatcher knows tools only through this.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::tools {

// What a handler learns about the call beyond its arguments.
struct CallContext {
  std::string caller;  // the analyst (audit); set by --caller / MCP_CALLER / the gateway
  // True once the client sent notifications/cancelled for this request.
  std::function<bool()> is_cancelled = [] { return false; };
  // Reports progress; a no-op when the client sent no progressToken.
  std::function<void(double progress, std::optional<double> total, const std::string& message)> progress =
      [](double, std::optional<double>, const std::string&) {};
  // Set where the transport can write an answer while it is produced (stdio):
  // the tool hands over its answer text from the start, in pieces, and its
  // ToolResult::text is then only the rest. False: nobody reads it any more.
  // Once a piece went out, progress is no longer sent for this call.
  std::function<bool(std::string_view answer_text)> write_ahead;
  // True when the client declared the MCP Apps extension (io.modelcontextprotocol/ui)
  // for text/html;profile=mcp-app: it will render a tool's ui:// view.
  bool client_renders_apps = false;
};

// The answer to a tools/call. `text` is what the model reads (compact JSON for
// data, a plain sentence for errors); is_error maps to the MCP `isError` flag.
// audit_facts go into the call's audit line (sql, rows, truncated, sqlstate…).
struct ToolResult {
  std::string text;
  bool is_error = false;
  nlohmann::json audit_facts = nlohmann::json::object();
  std::size_t text_handed_over = 0;  // bytes of the text that went to CallContext::write_ahead before `text`
  // structuredContent of the result (null: none), e.g. the rows a view draws.
  nlohmann::json structured_content;
  // Text blocks after `text`, e.g. the data for a client that renders no view.
  std::vector<std::string> more_text;
  // Content blocks after those, e.g. a resource_link to a file an export wrote.
  std::vector<nlohmann::json> more_content;

  ToolResult(std::string text_, bool is_error_ = false) : text(std::move(text_)), is_error(is_error_) {}

  static ToolResult data(const nlohmann::json& payload) {
    return ToolResult{payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
  }
  static ToolResult error(std::string message) { return ToolResult{std::move(message), true}; }
};

// Thrown by handlers for bad arguments; the dispatcher turns it into a tool
// error (isError) carrying the message.
struct ToolArgumentError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Tool {
  std::string name;
  std::string title;
  std::string description;        // written for the model: what it returns, limits, an example
  nlohmann::json input_schema;    // JSON Schema object
  nlohmann::json annotations;     // e.g. {"readOnlyHint": true}
  std::function<ToolResult(const nlohmann::json& arguments, CallContext& context)> handler;
  nlohmann::json meta = nullptr;  // the definition's _meta, e.g. {"ui": {"resourceUri": "ui://…"}}; null: none
};

// Tools in registration order, which is the order tools/list shows them.
class ToolRegistry {
 public:
  void add(Tool tool) { tools_.push_back(std::move(tool)); }
  const Tool* find(const std::string& name) const {
    for (const auto& tool : tools_)
      if (tool.name == name) return &tool;
    return nullptr;
  }
  const std::vector<Tool>& all() const { return tools_; }

 private:
  std::vector<Tool> tools_;
};

}  // namespace fleetmcp::tools
