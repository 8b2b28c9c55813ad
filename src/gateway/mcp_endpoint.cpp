// Routing, authentication, the MCP header rules of both protocol eras, and
// turning pool answers into HTTP responses (JSON or SSE).
#include "gateway/mcp_endpoint.h"

#include <spdlog/spdlog.h>

#include "gateway/header_values.h"
#include "gateway/json_skim.h"
#include "gateway/oauth/bearer_challenge.h"
#include "gateway/oauth/resource_metadata.h"
#include "logging.h"
#include "mcp/jsonrpc.h"
#include "mcp/protocol_era.h"
#include "mcp/server.h"

namespace fleetmcp::gateway {
namespace {

using nlohmann::json;
namespace error_code = mcp::error_code;

const Headers json_type{{"Content-Type", "application/json"}};

std::string dumped(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

// Requests a child answers on its worker, because they use its one database
// connection: each needs a child of its own, or it would wait behind another
// analyst's running query. The rest a busy child answers at once.
bool needs_own_child(const std::string& method) {
  return method == "tools/call" || method == "resources/list" || method == "resources/read" ||
         method == "completion/complete";
}

HttpResponse json_response(int status, const json& body, Headers extra = {}) {
  Headers headers = json_type;
  headers.insert(headers.end(), extra.begin(), extra.end());
  return {status, std::move(headers), dumped(body)};
}

json rpc_error(const json& id, int code, const std::string& message, json data = nullptr) {
  return mcp::error_response(id, mcp::RpcError{code, message, std::move(data)});
}

// A modern-era error that says so: the HTTP status the 2026-07-28 transport
// gives it. Only the error member is parsed: a result may be megabytes.
int modern_status(std::string_view response) {
  const auto members = top_level_members(response);
  const SkimmedMember* member = members ? find_member(*members, "error") : nullptr;
  if (member == nullptr) return 200;
  const json error = json::parse(response.substr(member->value_offset, member->value_size), nullptr, false);
  if (!error.is_object()) return 200;
  switch (error.value("code", 0)) {
    case error_code::method_not_found: return 404;
    case error_code::invalid_params:
    case error_code::header_mismatch:
    case error_code::missing_required_client_capability:
    case error_code::unsupported_protocol_version:
    case error_code::invalid_request:
    case error_code::parse_error: return 400;
    default: return 200;
  }
}

bool accepts(const std::string& accept, std::string_view type) {
  return accept.empty() || accept.find(type) != std::string::npos || accept.find("*/*") != std::string::npos;
}

std::string bearer_token(const HttpRequest& request) {
  const std::string authorization = request.header("Authorization");
  if (authorization.size() < 7 || !iequals(std::string_view(authorization).substr(0, 7), "Bearer ")) return {};
  return std::string(trim_ows(std::string_view(authorization).substr(7)));
}

// Why a 2026-07-28 request's headers disagree with its body; empty if they agree.
std::string modern_header_mismatch(const HttpRequest& request, const mcp::Request& body) {
  if (!request.has_header("Mcp-Method")) return "the Mcp-Method header is required";
  const std::string method = request.header("Mcp-Method");
  if (method != body.method)
    return "Mcp-Method header value '" + method + "' does not match body method '" + body.method + "'";
  const char* name_field = body.method == "tools/call" || body.method == "prompts/get" ? "name"
                           : body.method == "resources/read"                           ? "uri"
                                                                                        : nullptr;
  if (name_field == nullptr) return {};
  const json* name = body.params.is_object() && body.params.contains(name_field) ? &body.params[name_field] : nullptr;
  if (name == nullptr || !name->is_string()) return {};  // the child reports the missing field
  if (!request.has_header("Mcp-Name")) return "the Mcp-Name header is required for " + body.method;
  const auto header = decode_header_value(request.header("Mcp-Name"));
  if (!header) return "the Mcp-Name header value is not valid";
  if (*header != name->get<std::string>())
    return "Mcp-Name header value '" + *header + "' does not match body value '" + name->get<std::string>() + "'";
  return {};
}

// Why a tools/call's params have no place for the caller; empty if they
// have. Such a call is refused here: forwarded, the child would audit it
// under its own default caller instead of the token's owner.
std::string unnameable_caller(const json& params) {
  if (!params.is_object()) return "params: required, with name and arguments";
  if (const auto meta = params.find("_meta"); meta != params.end() && !meta->is_object())
    return "params._meta: expected an object";
  return {};
}

// The gateway alone names the caller: whatever the client put there goes.
// `params` passed unnameable_caller().
void set_caller(json& params, const std::string& caller) {
  json& meta = params["_meta"];
  if (!meta.is_object()) meta = json::object();
  meta[mcp::meta_key::caller] = caller;
}

}  // namespace

McpEndpoint::McpEndpoint(EndpointOptions options, const TokenStore& tokens, ChildPool& pool,
                         const oauth::JwtAuthenticator* jwt, const oauth::TokenIntrospector* introspector)
    : options_(std::move(options)),
      tokens_(tokens),
      pool_(pool),
      jwt_(options_.oauth.enabled() ? jwt : nullptr),
      introspector_(jwt_ != nullptr && options_.oauth.introspection() ? introspector : nullptr) {}

void McpEndpoint::handle(const HttpRequest& request, ResponseChannel& channel) {
  if (request.path == "/healthz") {
    if (request.method != "GET" && request.method != "HEAD") {
      channel.send({405, {{"Allow", "GET, HEAD"}}, {}});
      return;
    }
    health(channel);
    return;
  }
  if (oauth::is_resource_metadata_path(request.path)) {
    resource_metadata(request, channel);
    return;
  }
  const bool download = options_.downloads != nullptr && ExportDownloads::handles(request.path);
  if (request.path != "/mcp" && request.path != "/" && !download) {
    channel.send({404, {{"Content-Type", "text/plain"}}, "Not Found: the MCP endpoint is /mcp\n"});
    return;
  }
  if (const std::string why = options_.origins.refusal(request); !why.empty()) {
    spdlog::warn("refused {} {}: {}", request.method, request.path, why);
    channel.send(json_response(403, rpc_error(nullptr, error_code::invalid_request, "Forbidden: " + why)));
    return;
  }
  std::string caller = options_.anonymous_caller;
  if (options_.require_token) {
    auto name = authenticate(request, channel);
    if (!name) return;
    caller = std::move(*name);
  }
  channel.set_caller(caller);
  if (download) {
    options_.downloads->serve(request, channel, caller);
    return;
  }
  if (request.method != "POST") {
    // No server-initiated stream and no sessions to delete, in either era.
    channel.send({405, {{"Allow", "POST"}}, {}});
    return;
  }
  mcp_post(request, channel, caller);
}

std::optional<std::string> McpEndpoint::authenticate(const HttpRequest& request, ResponseChannel& channel) {
  const std::string token = bearer_token(request);
  // Static tokens first: a lookup in constant time that a JWT never matches.
  if (auto name = tokens_.authenticate(token)) return name;
  oauth::BearerChallenge challenge;
  std::string message = "Unauthorized: a valid Bearer token is required";
  int status = 401;
  if (jwt_ == nullptr) {
    challenge.realm = "fleetmcp";
  } else {
    challenge.resource_metadata = options_.oauth.metadata_url();
    challenge.scope = options_.oauth.scopes;
    if (!token.empty()) {
      // Nothing is known about the token when the authorization server
      // cannot be asked: 503, not RFC 6750's invalid_token, which would make
      // the client discard a token that may be good and sign in again into
      // the same outage. The reason (logged where it was found) is the
      // operator's, not the client's. Cached keys and cached introspection
      // answers keep working meanwhile.
      auto unavailable = [&channel] {
        channel.send(json_response(503, rpc_error(nullptr, error_code::internal_error,
                                                  "Service Unavailable: the authorization server cannot check the "
                                                  "token now; retry shortly"),
                                   {{"Retry-After", "5"}}));
        return std::nullopt;
      };
      const bool opaque = introspector_ != nullptr && oauth::is_opaque_token(token);
      std::variant<oauth::JwtIdentity, oauth::JwtRefusal> verdict;
      if (opaque) {
        auto introspected = introspector_->authenticate(token);
        if (auto* active = std::get_if<oauth::IntrospectedToken>(&introspected))
          return std::move(active->identity.caller);
        if (std::holds_alternative<oauth::IntrospectionUnavailable>(introspected)) return unavailable();
        verdict = std::get<oauth::JwtRefusal>(introspected);
      } else {
        verdict = jwt_->authenticate(token);
      }
      if (auto* identity = std::get_if<oauth::JwtIdentity>(&verdict)) return std::move(identity->caller);
      const auto& refusal = std::get<oauth::JwtRefusal>(verdict);
      if (refusal.kind == oauth::JwtRefusal::Kind::issuer_unavailable) {
        spdlog::warn("OAuth: answered 503 to a JWT: {} (is {} reachable?)", refusal.description, options_.oauth.issuer);
        return unavailable();
      }
      const bool scope = refusal.kind == oauth::JwtRefusal::Kind::insufficient_scope;
      // RFC 6750 §3.1: a token that is fine but too weak gets 403.
      status = scope ? 403 : 401;
      challenge.error = scope ? "insufficient_scope" : "invalid_token";
      challenge.error_description = refusal.description;
      // The 401 body stays what it always was; why is in the header (and the log).
      if (scope) message = "Forbidden: " + refusal.description;
      spdlog::info("refused a Bearer {}: {}", opaque ? "opaque token" : "JWT", refusal.description);
    }
  }
  channel.send(json_response(status, rpc_error(nullptr, error_code::invalid_request, message),
                             {{"WWW-Authenticate", oauth::format_bearer_challenge(challenge)}}));
  return std::nullopt;
}

void McpEndpoint::resource_metadata(const HttpRequest& request, ResponseChannel& channel) {
  if (jwt_ == nullptr) {
    channel.send({404, {{"Content-Type", "text/plain"}}, "Not Found: OAuth is not configured (MCP_OAUTH_ISSUER)\n"});
    return;
  }
  if (request.method != "GET" && request.method != "HEAD") {
    channel.send({405, {{"Allow", "GET, HEAD"}}, {}});
    return;
  }
  // Public by design (RFC 9728 §3): browser-based clients read it across origins.
  channel.send(json_response(200, oauth::protected_resource_metadata(options_.oauth),
                             {{"Access-Control-Allow-Origin", "*"}, {"Cache-Control", "max-age=300"}}));
}

void McpEndpoint::mcp_post(const HttpRequest& request, ResponseChannel& channel, const std::string& caller) {
  const std::string accept = request.header("Accept");
  const bool wants_json = accepts(accept, "application/json");
  if (!wants_json && !accepts(accept, "text/event-stream")) {
    channel.send(json_response(406, rpc_error(nullptr, error_code::invalid_request,
                                              "Not Acceptable: accept application/json or text/event-stream")));
    return;
  }
  if (!iequals(media_type(request.header("Content-Type")), "application/json")) {
    channel.send(json_response(415, rpc_error(nullptr, error_code::invalid_request,
                                              "Unsupported Media Type: send Content-Type: application/json")));
    return;
  }
  const mcp::Message message = mcp::decode_line(request.body);
  if (const auto* invalid = std::get_if<mcp::Invalid>(&message)) {
    channel.send(json_response(400, mcp::error_response(invalid->id, invalid->error)));
    return;
  }
  if (const auto* note = std::get_if<mcp::Notification>(&message)) {
    const auto cancel = note->method == "notifications/cancelled" ? mcp::read_cancellation(note->params) : std::nullopt;
    if (cancel) pool_.cancel(caller, cancel->request_id, cancel->reason.empty() ? "cancelled by the client" : cancel->reason);
    channel.send({202, {}, {}});
    return;
  }
  if (std::holds_alternative<mcp::Response>(message)) {
    channel.send({202, {}, {}});  // we send no requests, so there is nothing to match
    return;
  }
  const auto& rpc = std::get<mcp::Request>(message);
  // A tools/call the gateway answers itself leaves its audit line here: no child sees it.
  const auto audit_unrun = [&](const std::string& outcome, const std::string& error) {
    if (rpc.method == "tools/call") write_unrun_call_audit_line(caller, rpc.params, outcome, error);
  };
  const auto refuse = [&](int status, const mcp::RpcError& error) {
    audit_unrun("refused", error.message);
    channel.send(json_response(status, mcp::error_response(rpc.id, error)));
  };

  // Which era speaks: the header says, and the body must agree.
  const std::string header_version{trim_ows(request.header("MCP-Protocol-Version"))};
  const bool modern_body = mcp::carries_modern_envelope(rpc.params);
  const bool modern = modern_body || header_version == mcp::modern_version;
  if (modern) {
    std::string mismatch;
    if (modern_body) {
      const json& body_version = rpc.params["_meta"][mcp::meta_key::protocol_version];
      if (!body_version.is_string() || body_version.get<std::string>() != header_version)
        mismatch = "MCP-Protocol-Version header value '" + header_version + "' does not match _meta " +
                   mcp::meta_key::protocol_version + " " + body_version.dump();
    }
    if (mismatch.empty()) mismatch = modern_header_mismatch(request, rpc);
    if (!mismatch.empty()) {
      refuse(400, {error_code::header_mismatch, "Header mismatch: " + mismatch, nullptr});
      return;
    }
    if (rpc.method == "initialize") {
      refuse(404, {error_code::method_not_found,
                   "Method not found: initialize (removed in protocol " + std::string(mcp::modern_version) + ")",
                   nullptr});
      return;
    }
    // Over HTTP the header already chose the era, so even server/discover carries the envelope.
    if (!modern_body) {
      try {
        mcp::read_modern_envelope(rpc.params);
      } catch (const mcp::RpcException& refused) {
        refuse(400, refused.error());
        return;
      }
    }
  } else if (!header_version.empty() && !mcp::is_legacy_version(header_version)) {
    refuse(400, {error_code::unsupported_protocol_version, "Unsupported protocol version: " + header_version,
                 {{"supported", mcp::supported_versions()}, {"requested", header_version}}});
    return;
  }
  if (rpc.method == "tools/call") {
    if (const std::string why = unnameable_caller(rpc.params); !why.empty()) {
      refuse(400, {error_code::invalid_params, why, nullptr});
      return;
    }
  }

  json forwarded = {{"jsonrpc", "2.0"}, {"id", rpc.id}, {"method", rpc.method}};
  if (!rpc.params.is_null()) forwarded["params"] = rpc.params;
  // Every request names its caller, not only tools/call: what a child shows
  // one analyst alone (their exports, through resources/*) must never follow
  // a caller the client wrote into _meta itself.
  // (An array of params names nobody, so the child takes its default caller.)
  if (rpc.params.is_object() || rpc.params.is_null()) set_caller(forwarded["params"], caller);

  // SSE only for a client that cannot take JSON; then progress can flow too.
  const bool streaming = !wants_json;
  if (streaming &&
      !channel.begin_stream({200, {{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}}, {}}))
    return;
  auto send_event_text = [&channel](std::string_view event) {
    channel.stream("event: message\ndata: " + std::string(event) + "\n\n");
  };
  auto send_event = [&send_event_text](const json& event) { send_event_text(dumped(event)); };

  PoolAnswer answer = needs_own_child(rpc.method)
                          ? pool_.call(caller, forwarded, [&channel] { return channel.client_gone(); },
                                       streaming ? std::function<void(const json&)>(send_event) : nullptr)
                          : pool_.ask(forwarded);
  std::string response;
  int status = 200;
  switch (answer.kind) {
    case PoolAnswer::Kind::answered:
      response = std::move(answer.response);
      if (modern) status = modern_status(response);
      break;
    case PoolAnswer::Kind::busy:
      audit_unrun("busy", "every worker is taken");
      if (streaming) {
        send_event(rpc_error(rpc.id, error_code::internal_error, "Server busy: every worker is taken; retry shortly"));
        return;
      }
      channel.send(json_response(503, rpc_error(rpc.id, error_code::internal_error,
                                                "Server busy: every worker is taken; retry shortly"),
                                 {{"Retry-After", "1"}}));
      return;
    case PoolAnswer::Kind::child_ended:
      audit_unrun("worker ended", "the worker serving this call ended unexpectedly");
      response = dumped(rpc_error(rpc.id, error_code::internal_error,
                                     "The worker serving this request ended unexpectedly; it has been replaced, retry the request"));
      break;
    case PoolAnswer::Kind::client_gone:
      channel.abandon(499);  // nginx's "client closed request", for the access line
      return;
  }
  if (streaming) send_event_text(response);
  else channel.send({status, json_type, std::move(response)});
}

void McpEndpoint::health(ResponseChannel& channel) {
  const PoolState pool = pool_.state();
  json database = options_.database_state ? options_.database_state() : json::object();
  const bool ok = pool.alive > 0 && database.value("reachable", false);
  json body = {{"ok", ok},
               {"version", FLEETMCP_VERSION},
               {"tokens", tokens_.size()},
               {"auth", !options_.require_token ? "none (insecure, loopback only)"
                        : introspector_ != nullptr ? "bearer (static tokens, OAuth JWTs and introspected opaque tokens)"
                        : jwt_ != nullptr        ? "bearer (static tokens and OAuth JWTs)"
                                                 : "bearer"},
               {"pool", {{"size", pool.size}, {"alive", pool.alive}, {"busy", pool.busy}, {"queued", pool.queued},
                         {"replaced", pool.replaced}}},
               {"database", std::move(database)}};
  if (jwt_ != nullptr) {
    const auto keys = jwt_->keys().current();
    body["oauth"] = {{"issuer", options_.oauth.issuer}, {"resource", options_.oauth.resource()},
                     {"signing_keys", keys ? keys->keys.size() : 0}};
    // Where and as whom, never with what secret.
    if (introspector_ != nullptr)
      body["oauth"]["introspection"] = {{"endpoint", introspector_->url()}, {"client_id", introspector_->client_id()},
                                        {"cache_ttl_s", introspector_->cache_ttl_s()},
                                        {"cached_tokens", introspector_->cached()}};
  }
  channel.send(json_response(ok ? 200 : 503, body));
}

}  // namespace fleetmcp::gateway
