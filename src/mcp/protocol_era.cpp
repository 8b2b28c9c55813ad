// Protocol versions, the modern _meta envelope, and the stream's era lock.
#include "mcp/protocol_era.h"

#include <algorithm>
#include <array>

#include "mcp/jsonrpc.h"

namespace fleetmcp::mcp {
namespace {

using nlohmann::json;

// RFC 5424 severities, as LoggingLevel in the 2026-07-28 schema.
constexpr std::array<std::string_view, 8> log_levels = {"debug", "info",     "notice", "warning",
                                                          "error", "critical", "alert",  "emergency"};

std::string meta_field(const char* key) { return std::string("params._meta.") + key; }

std::string joined(const std::vector<std::string>& versions) {
  std::string text;
  for (const auto& version : versions) text += (text.empty() ? "" : ", ") + version;
  return text;
}

[[noreturn]] void invalid_params(std::string message) {
  throw RpcException(error_code::invalid_params, std::move(message));
}

}  // namespace

const std::vector<std::string>& legacy_versions() {
  static const std::vector<std::string> versions = {std::string(latest_legacy_version), "2025-06-18", "2025-03-26"};
  return versions;
}

const std::vector<std::string>& supported_versions() {
  static const std::vector<std::string> versions = [] {
    std::vector<std::string> all = {std::string(modern_version)};
    all.insert(all.end(), legacy_versions().begin(), legacy_versions().end());
    return all;
  }();
  return versions;
}

bool is_legacy_version(std::string_view version) {
  return std::find(legacy_versions().begin(), legacy_versions().end(), version) != legacy_versions().end();
}

std::string negotiate_legacy_version(std::string_view requested) {
  return is_legacy_version(requested) ? std::string(requested) : std::string(latest_legacy_version);
}

bool carries_modern_envelope(const json& params) {
  if (!params.is_object()) return false;
  auto meta = params.find("_meta");
  return meta != params.end() && meta->is_object() && meta->contains(meta_key::protocol_version);
}

ModernEnvelope read_modern_envelope(const json& params) {
  if (!params.is_object()) invalid_params("params: required, with _meta carrying the protocol version");
  auto meta_it = params.find("_meta");
  if (meta_it == params.end()) invalid_params("params._meta: required in protocol " + std::string(modern_version));
  const json& meta = *meta_it;
  if (!meta.is_object()) invalid_params("params._meta: expected an object");

  auto version = meta.find(meta_key::protocol_version);
  if (version == meta.end())
    invalid_params(meta_field(meta_key::protocol_version) + ": required in protocol " + std::string(modern_version));
  if (!version->is_string()) invalid_params(meta_field(meta_key::protocol_version) + ": expected a string");
  const std::string requested = version->get<std::string>();
  if (requested != modern_version) {
    std::string message = "Unsupported protocol version: " + requested;
    if (is_legacy_version(requested)) message += " is served only after an initialize handshake";
    message += "; per-request _meta supports " + std::string(modern_version) +
               " (all supported: " + joined(supported_versions()) + ")";
    throw RpcException(error_code::unsupported_protocol_version, message,
                       {{"supported", supported_versions()}, {"requested", requested}});
  }

  auto capabilities = meta.find(meta_key::client_capabilities);
  if (capabilities == meta.end()) invalid_params(meta_field(meta_key::client_capabilities) + ": required");
  if (!capabilities->is_object()) invalid_params(meta_field(meta_key::client_capabilities) + ": expected an object");

  // We emit no notifications/message, but an unknown level is still a malformed request.
  if (auto level = meta.find(meta_key::log_level); level != meta.end()) {
    if (!level->is_string() || std::find(log_levels.begin(), log_levels.end(), level->get<std::string>()) == log_levels.end())
      invalid_params(meta_field(meta_key::log_level) + ": expected one of debug, info, notice, warning, error, critical, alert, emergency");
  }

  ModernEnvelope envelope{requested, nullptr};
  if (auto info = meta.find(meta_key::client_info); info != meta.end()) envelope.client_info = *info;
  return envelope;
}

Era StreamEra::admit(std::string_view method, bool has_modern_envelope) const {
  if (method == "initialize") {
    if (locked_ == Era::modern)
      throw RpcException(error_code::invalid_request,
                         "initialize is not part of protocol " + std::string(modern_version) +
                             ", which this stream already speaks; supported versions: " + joined(supported_versions()),
                         {{"supported", supported_versions()}});
    if (locked_ == Era::legacy)
      throw RpcException(error_code::invalid_request,
                         "initialize was already received on this stream (protocol " + legacy_version_ + ")");
    return Era::legacy;
  }
  if (method == "server/discover" || has_modern_envelope) {
    if (locked_ == Era::legacy)
      throw RpcException(error_code::invalid_request,
                         "this stream was initialized for protocol " + legacy_version_ + "; " + std::string(method) +
                             " with 2026-07-28 _meta needs a new server process");
    return Era::modern;
  }
  if (locked_ == Era::modern)
    invalid_params(meta_field(meta_key::protocol_version) + ": required on every request in protocol " +
                   std::string(modern_version));
  return Era::legacy;
}

void StreamEra::lock_legacy(std::string negotiated_version) {
  locked_ = Era::legacy;
  legacy_version_ = std::move(negotiated_version);
}

void StreamEra::lock_modern() { locked_ = Era::modern; }

}  // namespace fleetmcp::mcp
