// The two MCP protocol eras one stdio stream can speak — legacy (initialize
// handshake, 2025-11-25 and earlier) and modern (2026-07-28, per-request _meta)
// — the versions each accepts, and the rule that locks a stream to one era.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetmcp::mcp {

inline constexpr std::string_view modern_version = "2026-07-28";
inline constexpr std::string_view latest_legacy_version = "2025-11-25";

// Newest first.
const std::vector<std::string>& legacy_versions();
// Every version this server speaks, modern first: what UnsupportedProtocolVersion
// and server/discover advertise (as the versioning page's example does).
const std::vector<std::string>& supported_versions();

bool is_legacy_version(std::string_view version);

// The initialize rule: echo a version we support, else answer our latest.
std::string negotiate_legacy_version(std::string_view requested);

// Keys of `_meta` this server reads or writes.
namespace meta_key {
inline constexpr const char* protocol_version = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* client_capabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* client_info = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* log_level = "io.modelcontextprotocol/logLevel";
inline constexpr const char* server_info = "io.modelcontextprotocol/serverInfo";
inline constexpr const char* progress_token = "progressToken";
// Set by fleetmcp's own gateway to name the analyst; honoured only when the
// process was started as a trusted gateway child.
inline constexpr const char* caller = "fleetmcp/caller";
}  // namespace meta_key

// What a modern request declares about itself in params._meta.
struct ModernEnvelope {
  std::string protocol_version;
  nlohmann::json client_info;  // null when absent; display only
};

// Whether params._meta names a protocol version, i.e. the request speaks the modern era.
bool carries_modern_envelope(const nlohmann::json& params);

// Reads and checks the modern envelope. Throws RpcException: -32602 naming
// the field for a missing or mistyped one, -32022 for a version we do not
// serve per request.
ModernEnvelope read_modern_envelope(const nlohmann::json& params);

enum class Era { undetermined, legacy, modern };

// The era a stream is locked to. The first initialize locks legacy; the first
// modern request that passes its envelope check (server/discover, or any
// request whose _meta names a protocol version) locks modern. After that:
//  - initialize on a modern stream, a second initialize, or a modern request
//    on a legacy stream is refused with -32600 and says why (one stdio
//    process serves one client; mixing eras means a confused client);
//  - on a modern stream a request without the envelope is refused with
//    -32602, as 2026-07-28 requires of every request.
// Before any lock, plain requests (tools/list, ping…) are served leniently
// as legacy at the latest legacy version: the legacy spec asks clients to
// initialize first but does not require servers to refuse.
class StreamEra {
 public:
  Era locked() const { return locked_; }
  // The version legacy requests are served at.
  const std::string& legacy_version() const { return legacy_version_; }

  // The era that serves `method`; throws RpcException when the lock forbids it.
  Era admit(std::string_view method, bool has_modern_envelope) const;

  void lock_legacy(std::string negotiated_version);
  void lock_modern();

 private:
  Era locked_ = Era::undetermined;
  std::string legacy_version_{latest_legacy_version};
};

}  // namespace fleetmcp::mcp
