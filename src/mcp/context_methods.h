// What the dispatcher needs of the methods beyond tools — resources, prompts
// and completions (src/context/ implements them). An interface, so src/mcp
// knows no database and its fuzz target links without one.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mcp/protocol_era.h"

namespace fleetmcp::mcp {

class ContextMethods {
 public:
  virtual ~ContextMethods() = default;

  enum class Kind { not_ours, quick, needs_database };
  // A quick method is answered on the reader thread; one that needs the
  // database runs on the worker, in turn with tools/call, because they share
  // one connection.
  virtual Kind kind_of(std::string_view method) const = 0;

  // The capabilities these methods add to initialize and server/discover.
  virtual nlohmann::json capabilities() const = 0;

  // The result of `method`, without resultType and _meta (the dispatcher
  // adds them). Throws RpcException with a message the model can act on.
  // `caller`: the analyst asking (the gateway names them per request), for
  // what only its owner may see (exports).
  virtual nlohmann::json answer(std::string_view method, const nlohmann::json& params, Era era,
                                const std::string& caller) const = 0;
};

}  // namespace fleetmcp::mcp
