// resources/*, prompts/* and completion/complete for the MCP dispatcher:
// reads their params, calls the resource registry, the prompt catalog or the
// completer, and turns every failure into a JSON-RPC error that says what to
// send instead. Audit lines stay for tools/call: these only read metadata.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "context/completions.h"
#include "context/resource_registry.h"
#include "mcp/context_methods.h"
#include "tools/environment.h"

namespace fleetmcp::context {

// Resource not found: -32602 in 2026-07-28; the code earlier versions used.
inline constexpr int kLegacyResourceNotFound = -32002;

class ContextService : public mcp::ContextMethods {
 public:
  // refusal: why the database must not be used (serve's role guard), if so.
  // list_ttl: ttlMs of the prompt and template lists, fixed for the process.
  ContextService(tools::ToolEnvironment& environment, ResourceRegistry& resources, std::chrono::milliseconds list_ttl,
                 std::function<std::optional<std::string>()> refusal = {});

  Kind kind_of(std::string_view method) const override;
  nlohmann::json capabilities() const override;
  nlohmann::json answer(std::string_view method, const nlohmann::json& params, mcp::Era era,
                        const std::string& caller) const override;

 private:
  nlohmann::json list_resources(const nlohmann::json& params, mcp::Era era, const std::string& caller) const;
  nlohmann::json list_templates(const nlohmann::json& params, mcp::Era era) const;
  nlohmann::json read_resource(const nlohmann::json& params, mcp::Era era, const std::string& caller) const;
  nlohmann::json list_prompts(const nlohmann::json& params, mcp::Era era) const;
  nlohmann::json get_prompt(const nlohmann::json& params) const;
  nlohmann::json complete(const nlohmann::json& params) const;
  void refuse_if_unsafe() const;

  tools::ToolEnvironment& environment_;
  ResourceRegistry& resources_;
  std::chrono::milliseconds list_ttl_;
  std::function<std::optional<std::string>()> refusal_;
  mutable Completer completer_;
};

}  // namespace fleetmcp::context
