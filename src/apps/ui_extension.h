// The MCP Apps extension (io.modelcontextprotocol/ui): its identifier, the
// MIME type of a view, and how a client says it renders views. Header-only:
// the protocol layer (src/mcp/) reads client capabilities with it.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace fleetmcp::apps {

inline constexpr const char* kUiExtension = "io.modelcontextprotocol/ui";
inline constexpr const char* kAppMimeType = "text/html;profile=mcp-app";

// True when `client_capabilities` (initialize's params.capabilities, or a
// 2026-07-28 request's _meta clientCapabilities) declares
// extensions["io.modelcontextprotocol/ui"].mimeTypes with the MCP App type.
// Anything malformed reads as "no": such a client gets the data as text.
inline bool client_renders_apps(const nlohmann::json& client_capabilities) {
  if (!client_capabilities.is_object()) return false;
  auto extensions = client_capabilities.find("extensions");
  if (extensions == client_capabilities.end() || !extensions->is_object()) return false;
  auto ui = extensions->find(kUiExtension);
  if (ui == extensions->end() || !ui->is_object()) return false;
  auto types = ui->find("mimeTypes");
  if (types == ui->end() || !types->is_array()) return false;
  for (const auto& type : *types)
    if (type.is_string() && type.get<std::string_view>() == kAppMimeType) return true;
  return false;
}

}  // namespace fleetmcp::apps
