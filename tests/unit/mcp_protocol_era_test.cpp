// Tests version negotiation, the modern _meta envelope and the era lock rules.
#include <doctest/doctest.h>

#include "mcp/jsonrpc.h"
#include "mcp/protocol_era.h"

using namespace fleetmcp::mcp;
using nlohmann::json;

namespace {

json envelope(json version) {
  return {{"_meta",
           {{meta_key::protocol_version, std::move(version)},
            {meta_key::client_capabilities, json::object()},
            {meta_key::client_info, {{"name", "probe"}, {"version", "1"}}}}}};
}

RpcError error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const RpcException& error) {
    return error.error();
  }
  FAIL("expected an RpcException");
  return {};
}

}  // namespace

TEST_CASE("initialize echoes a supported legacy version and otherwise answers the latest") {
  CHECK(negotiate_legacy_version("2025-11-25") == "2025-11-25");
  CHECK(negotiate_legacy_version("2025-06-18") == "2025-06-18");
  CHECK(negotiate_legacy_version("2025-03-26") == "2025-03-26");
  CHECK(negotiate_legacy_version("2024-11-05") == "2025-11-25");
  CHECK(negotiate_legacy_version("2026-07-28") == "2025-11-25");  // not a handshake version
  CHECK(negotiate_legacy_version("banana") == "2025-11-25");
}

TEST_CASE("the advertised versions put the modern one first") {
  CHECK(supported_versions() == std::vector<std::string>{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"});
}

TEST_CASE("a valid modern envelope is read") {
  CHECK(carries_modern_envelope(envelope("2026-07-28")));
  CHECK_FALSE(carries_modern_envelope(json{{"_meta", {{"progressToken", 1}}}}));
  CHECK_FALSE(carries_modern_envelope(nullptr));
  const ModernEnvelope read = read_modern_envelope(envelope("2026-07-28"));
  CHECK(read.protocol_version == "2026-07-28");
  CHECK(read.client_info["name"] == "probe");
}

TEST_CASE("an unsupported version is -32022 with the supported list and the requested one") {
  const RpcError error = error_of([] { read_modern_envelope(envelope("2027-01-01")); });
  CHECK(error.code == error_code::unsupported_protocol_version);
  CHECK(error.data["requested"] == "2027-01-01");
  CHECK(error.data["supported"] == json(supported_versions()));

  // A handshake version cannot be used per request.
  const RpcError legacy = error_of([] { read_modern_envelope(envelope("2025-11-25")); });
  CHECK(legacy.code == error_code::unsupported_protocol_version);
  CHECK(legacy.message.find("initialize") != std::string::npos);
}

TEST_CASE("missing or mistyped envelope fields are -32602 naming the field") {
  json no_capabilities = envelope("2026-07-28");
  no_capabilities["_meta"].erase(meta_key::client_capabilities);
  RpcError error = error_of([&] { read_modern_envelope(no_capabilities); });
  CHECK(error.code == error_code::invalid_params);
  CHECK(error.message == "params._meta.io.modelcontextprotocol/clientCapabilities: required");

  error = error_of([] { read_modern_envelope(envelope(20260728)); });
  CHECK(error.message == "params._meta.io.modelcontextprotocol/protocolVersion: expected a string");

  json bad_level = envelope("2026-07-28");
  bad_level["_meta"][meta_key::log_level] = "loud";
  error = error_of([&] { read_modern_envelope(bad_level); });
  CHECK(error.code == error_code::invalid_params);
  CHECK(error.message.starts_with("params._meta.io.modelcontextprotocol/logLevel"));

  json good_level = envelope("2026-07-28");
  good_level["_meta"][meta_key::log_level] = "warning";
  CHECK_NOTHROW(read_modern_envelope(good_level));

  CHECK(error_of([] { read_modern_envelope(json::object()); }).message.starts_with("params._meta: required"));
}

TEST_CASE("an undetermined stream admits both eras and serves plain requests as legacy") {
  StreamEra era;
  CHECK(era.admit("initialize", false) == Era::legacy);
  CHECK(era.admit("server/discover", false) == Era::modern);
  CHECK(era.admit("tools/list", true) == Era::modern);
  CHECK(era.admit("tools/list", false) == Era::legacy);
  CHECK(era.legacy_version() == "2025-11-25");
  CHECK(era.locked() == Era::undetermined);
}

TEST_CASE("a legacy stream refuses a second initialize and modern requests") {
  StreamEra era;
  era.lock_legacy("2025-06-18");
  CHECK(era.legacy_version() == "2025-06-18");
  CHECK(era.admit("tools/call", false) == Era::legacy);
  CHECK(error_of([&] { era.admit("initialize", false); }).code == error_code::invalid_request);
  const RpcError modern = error_of([&] { era.admit("tools/list", true); });
  CHECK(modern.code == error_code::invalid_request);
  CHECK(modern.message.find("2025-06-18") != std::string::npos);
  CHECK(error_of([&] { era.admit("server/discover", false); }).code == error_code::invalid_request);
}

TEST_CASE("a modern stream refuses initialize naming its versions and requires the envelope") {
  StreamEra era;
  era.lock_modern();
  CHECK(era.admit("tools/call", true) == Era::modern);
  const RpcError initialize = error_of([&] { era.admit("initialize", false); });
  CHECK(initialize.code == error_code::invalid_request);
  CHECK(initialize.data["supported"] == json(supported_versions()));
  const RpcError bare = error_of([&] { era.admit("tools/list", false); });
  CHECK(bare.code == error_code::invalid_params);
  CHECK(bare.message.starts_with("params._meta.io.modelcontextprotocol/protocolVersion: required"));
}
