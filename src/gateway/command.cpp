// The gateway's flags, startup checks, signal handling and shutdown order.
#include "gateway/command.h"

#include <charconv>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <libpq-fe.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "export/export_service.h"
#include "gateway/child_pool.h"
#include "gateway/http_server.h"
#include "gateway/mcp_endpoint.h"
#include "gateway/metrics.h"
#include "gateway/metrics_listener.h"
#include "gateway/oauth/gateway_check.h"
#include "gateway/oauth/issuer_keys.h"
#include "gateway/oauth/jwt_authenticator.h"
#include "gateway/oauth/token_introspector.h"
#include "gateway/tokens.h"
#include "mcp/stdio_transport.h"

extern char** environ;

namespace fleetmcp::gateway {
namespace {

using nlohmann::json;

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : std::move(fallback);
}

// The child's environment: ours with the effective settings (flags included)
// and without the token secrets, which a child never needs.
std::vector<std::string> child_environment(const Config& config) {
  const std::vector<std::pair<std::string, std::string>> settings = {
      {"DATABASE_URL", config.database_url},
      {"MCP_READABLE_SCHEMAS", config.readable_schemas_text()},
      {"MCP_MAX_ROWS", std::to_string(config.max_rows)},
      {"MCP_MAX_BYTES", std::to_string(config.max_bytes)},
      {"MCP_MAX_CELL", std::to_string(config.max_cell_bytes)},
      {"MCP_STATEMENT_TIMEOUT", std::to_string(config.statement_timeout_s)},
      {"MCP_CONNECT_TIMEOUT", std::to_string(config.connect_timeout_s)},
      {"MCP_LOG_LEVEL", config.log_level},
      // Every child writes exports where the gateway serves and sweeps them.
      {"MCP_EXPORT_DIR", exports::export_directory(config)},
      {"MCP_EXPORT_MAX_ROWS", std::to_string(config.export_max_rows)},
      {"MCP_EXPORT_MAX_BYTES", std::to_string(config.export_max_bytes)},
      {"MCP_EXPORT_TIMEOUT", std::to_string(config.export_timeout_s)},
      {"MCP_EXPORT_TTL", std::to_string(config.export_ttl_s)},
      {"MCP_EXPORT_QUOTA", std::to_string(config.export_quota_bytes)},
      {"MCP_PUBLIC_URL", config.public_url},
  };
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text = *entry;
    const std::string name(text.substr(0, text.find('=')));
    // Secrets a child never needs; the children read no OAuth setting.
    if (name.rfind("MCP_AUTH_TOKENS", 0) == 0 || name.rfind("MCP_OAUTH_CLIENT_SECRET", 0) == 0) continue;
    if (std::any_of(settings.begin(), settings.end(), [&](const auto& setting) { return setting.first == name; })) continue;
    environment.emplace_back(text);
  }
  for (const auto& [name, value] : settings)
    if (!value.empty()) environment.push_back(name + "=" + value);
  return environment;
}

// /healthz's database view: can the server be reached (PQping: no login, no
// connection held)? Cached briefly so a probe storm does not become a connect storm.
class DatabaseProbe {
 public:
  explicit DatabaseProbe(std::string url) : url_(std::move(url)) {}

  json state() {
    if (url_.empty()) return {{"configured", false}, {"reachable", false}};
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (now - checked_ > std::chrono::seconds(5)) {
      const char* keywords[] = {"dbname", "connect_timeout", nullptr};
      const char* values[] = {url_.c_str(), "3", nullptr};
      reachable_ = PQpingParams(keywords, values, 1) == PQPING_OK;
      checked_ = now;
    }
    return {{"configured", true}, {"reachable", reachable_}};
  }

 private:
  std::string url_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point checked_{};
  bool reachable_ = false;
};

void write_access_line(const AccessRecord& record) {
  static const auto logger = [] {
    auto access = std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    access->set_pattern(R"({"access":"http","ts":"%Y-%m-%dT%H:%M:%S.%eZ",%v})", spdlog::pattern_time_type::utc);
    access->flush_on(spdlog::level::info);
    return access;
  }();
  json fields = {{"method", record.method}, {"path", record.path}, {"status", record.status},
                 {"caller", record.caller.empty() ? json() : json(record.caller)},
                 {"ms", std::round(record.ms * 100) / 100}, {"remote", record.remote}};
  std::string text = fields.dump(-1, ' ', false, json::error_handler_t::replace);
  logger->info(text.substr(1, text.size() - 2));  // the pattern supplies the braces
}

// 1/true/yes or 0/false/no/unset; anything else stops the start.
bool env_flag(const char* name) {
  std::string text = env_or(name, "");
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text.empty() || text == "0" || text == "false" || text == "no") return false;
  if (text == "1" || text == "true" || text == "yes") return true;
  throw ConfigError(std::string{name} + " must be 1/true/yes or 0/false/no, got '" + text + "'");
}

// A positive number from the environment (or 0 too, meaning "none", where
// `zero` says so), or `fallback` when unset; anything else stops the start
// with the variable named (main prints ConfigError).
enum class Zero { refused, allowed };
template <typename Number>
Number env_number(const char* name, Number fallback, Zero zero = Zero::refused) {
  const std::string text = env_or(name, "");
  if (text.empty()) return fallback;
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool in_range = value > 0 || (zero == Zero::allowed && value == 0);
  if (error != std::errc{} || end != text.data() + text.size() || !in_range)
    throw ConfigError(std::string{name} +
                      (zero == Zero::allowed ? " must be 0 or a positive number" : " must be a positive number") +
                      ", got '" + text + "'");
  return value;
}

// The introspector for completed `settings`, its endpoint from the issuer's
// metadata when not set. That lookup happens once, here: an issuer that is
// down at start stops the start (the orchestrator retries) rather than
// leaving every opaque token to fail later; null after logging why.
std::unique_ptr<oauth::TokenIntrospector> make_introspector(const oauth::OAuthSettings& settings) {
  oauth::IntrospectionClient client{settings.introspection_url, settings.client_id, settings.client_secret};
  if (client.url.empty()) {
    try {
      client.url = oauth::introspection_endpoint(oauth::discover_issuer_metadata(
          settings.issuer, [](const std::string& url) { return oauth::http_get(url); }));
    } catch (const oauth::DiscoveryError& failure) {
      spdlog::error("OAuth introspection: {} (or set MCP_OAUTH_INTROSPECTION_URL)", failure.what());
      return nullptr;
    }
  }
  spdlog::info("OAuth: opaque tokens introspected at {} as client {}; active answers cached up to {} s{}", client.url,
               client.client_id, settings.introspection_cache_s,
               settings.introspection_allow_no_aud ? "; answers without aud accepted" : "");
  return std::make_unique<oauth::TokenIntrospector>(settings.introspection_policy(), std::move(client),
                                                    settings.introspection_cache_s);
}

}  // namespace

CLI::App* add_gateway_command(CLI::App& app, Config& config, GatewayOptions& options) {
  options.tokens_file = env_or("MCP_AUTH_TOKENS_FILE", "");
  options.allowed_origins = env_or("MCP_ALLOWED_ORIGINS", "");
  options.allowed_hosts = env_or("MCP_ALLOWED_HOSTS", "");
  options.queue_max = env_number("MCP_QUEUE_MAX", options.queue_max);
  options.max_body_bytes = env_number("MCP_MAX_REQUEST_BYTES", options.max_body_bytes);
  options.header_timeout_s = env_number("MCP_HEADER_TIMEOUT", options.header_timeout_s);
  options.metrics_listen = env_or("MCP_METRICS_LISTEN", "");
  options.oauth.issuer = env_or("MCP_OAUTH_ISSUER", "");
  options.oauth.audience = env_or("MCP_OAUTH_AUDIENCE", "");
  options.oauth.scopes = env_or("MCP_OAUTH_SCOPES", oauth::default_scopes);  // set but empty: no scope required
  options.oauth.caller_claim = env_or("MCP_OAUTH_CALLER_CLAIM", oauth::default_caller_claim);
  options.oauth.introspection_url = env_or("MCP_OAUTH_INTROSPECTION_URL", "");
  options.oauth.client_id = env_or("MCP_OAUTH_CLIENT_ID", "");
  options.oauth.client_secret = env_or("MCP_OAUTH_CLIENT_SECRET", "");
  options.oauth.client_secret_file = env_or("MCP_OAUTH_CLIENT_SECRET_FILE", "");
  options.oauth.introspection_cache_s =
      env_number("MCP_OAUTH_INTROSPECTION_CACHE_TTL", options.oauth.introspection_cache_s, Zero::allowed);
  options.oauth.introspection_allow_no_aud = env_flag("MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD");

  CLI::App* gateway = app.add_subcommand("gateway", "Serve MCP over HTTP(S) with Bearer tokens and a pool of stdio children");
  gateway->fallthrough();
  gateway->add_option("--listen", config.listen, "HOST:PORT to serve on; port 0 picks one (env MCP_LISTEN; default 0.0.0.0:8892)");
  gateway->add_flag("--insecure-no-auth", options.insecure_no_auth,
                    "Serve without tokens; refused unless --listen is a loopback address");
  gateway->add_option("--tokens-file", options.tokens_file,
                      "File of name:token lines, reloaded on SIGHUP (env MCP_AUTH_TOKENS_FILE)");
  gateway->add_option("--tls-cert", options.tls_cert_file, "PEM certificate chain: serve HTTPS");
  gateway->add_option("--tls-key", options.tls_key_file, "PEM private key for --tls-cert");
  gateway->add_option("--allowed-origins", options.allowed_origins,
                      "Browser origins allowed to call, comma-separated (env MCP_ALLOWED_ORIGINS)");
  gateway->add_option("--allowed-hosts", options.allowed_hosts,
                      "Host header names accepted, comma-separated; empty: any (env MCP_ALLOWED_HOSTS)");
  gateway->add_option("--queue-max", options.queue_max,
                      "Calls that may wait for a free child before 503 (env MCP_QUEUE_MAX; default 4 per child)");
  gateway->add_option("--max-request-bytes", options.max_body_bytes,
                      "Request body cap, else 413 (env MCP_MAX_REQUEST_BYTES; default 1 MiB)");
  gateway->add_option("--header-timeout", options.header_timeout_s,
                      "Seconds for a request's headers, else 408; until a connection authenticates, counted from "
                      "when it starts to wait (env MCP_HEADER_TIMEOUT; default 10)")
      ->check(CLI::PositiveNumber);
  gateway->add_option("--metrics-listen", options.metrics_listen,
                      "HOST:PORT serving Prometheus /metrics apart from the MCP port, e.g. 127.0.0.1:9892 (env "
                      "MCP_METRICS_LISTEN; default: none)");
  gateway->add_option("--oauth-issuer", options.oauth.issuer,
                      "OAuth 2.1 authorization server whose JWT access tokens are accepted beside the static tokens, "
                      "e.g. https://id.example.com/realms/fleet (env MCP_OAUTH_ISSUER; default: none)")
      ->group("OAuth");
  gateway->add_option("--oauth-audience", options.oauth.audience,
                      "aud a token must carry (env MCP_OAUTH_AUDIENCE; default PUBLIC_URL/mcp, per RFC 8707)")
      ->group("OAuth");
  gateway->add_option("--oauth-scopes", options.oauth.scopes,
                      "Space-separated scopes a token must all have; empty: none (env MCP_OAUTH_SCOPES; default "
                      "fleetmcp:query)")
      ->group("OAuth");
  gateway->add_option("--oauth-caller-claim", options.oauth.caller_claim,
                      "Claim naming the analyst in audit lines, then sub (env MCP_OAUTH_CALLER_CLAIM; default "
                      "preferred_username)")
      ->group("OAuth");
  gateway->add_option("--oauth-introspection-url", options.oauth.introspection_url,
                      "RFC 7662 endpoint where opaque (non-JWT) access tokens are checked (env "
                      "MCP_OAUTH_INTROSPECTION_URL; default the issuer metadata's introspection_endpoint when "
                      "--oauth-client-id is set)")
      ->group("OAuth");
  gateway->add_option("--oauth-client-id", options.oauth.client_id,
                      "The gateway's confidential client at the issuer, for introspection; setting it turns "
                      "introspection on (env MCP_OAUTH_CLIENT_ID; default: none)")
      ->group("OAuth");
  gateway->add_option("--oauth-client-secret-file", options.oauth.client_secret_file,
                      "File holding that client's secret (env MCP_OAUTH_CLIENT_SECRET_FILE, or the secret itself in "
                      "MCP_OAUTH_CLIENT_SECRET; no flag, so it stays out of ps)")
      ->group("OAuth");
  gateway->add_option("--oauth-introspection-cache-ttl", options.oauth.introspection_cache_s,
                      "Seconds an active introspection answer is reused (at most until the token's exp); also how "
                      "long a revoked token may still pass. 0: ask every time (env MCP_OAUTH_INTROSPECTION_CACHE_TTL; "
                      "default 60)")
      ->group("OAuth");
  gateway->add_flag("--oauth-introspection-allow-no-aud", options.oauth.introspection_allow_no_aud,
                    "Accept an introspection answer that names no aud, for IdPs that do not return it (env "
                    "MCP_OAUTH_INTROSPECTION_ALLOW_NO_AUD=1; default: refused, since any token of the realm, "
                    "issued for any service, would pass)")
      ->group("OAuth");
  gateway->add_flag("--check", options.check,
                    "Check the gateway's settings, tokens and OAuth issuer (metadata, keys, introspection), print "
                    "what is wrong and exit: 0 when all is well");
  return gateway;
}

int run_gateway(const Config& config, const GatewayOptions& options) {
  // Signals go to one thread that waits for them; every other thread,
  // including those spawned later, inherits this mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int signal_number : {SIGHUP, SIGTERM, SIGINT}) sigaddset(&signals, signal_number);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  TokenStore tokens;
  try {
    tokens.replace(load_tokens(config.auth_tokens, options.tokens_file));
  } catch (const TokenListError& bad) {
    spdlog::error("{}", bad.what());
    return 2;
  }
  // MCP_PUBLIC_URL is a general setting (Config); OAuth names the resource with it.
  oauth::OAuthSettings oauth_settings = options.oauth;
  oauth_settings.public_url = config.public_url;
  try {
    oauth::load_client_secret(oauth_settings);
    oauth::check_oauth_settings(oauth_settings);
  } catch (const ConfigError& bad) {
    spdlog::error("{}", bad.what());
    return 2;
  }
  if (options.check) return oauth::run_gateway_check(oauth_settings, tokens.size(), std::cout);
  if (tokens.size() == 0 && !options.insecure_no_auth && !oauth_settings.enabled()) {
    spdlog::error("no tokens: set MCP_AUTH_TOKENS=name:token,… or MCP_AUTH_TOKENS_FILE, or MCP_OAUTH_ISSUER (or, on "
                  "loopback only, --insecure-no-auth)");
    return 2;
  }
  // A body is forwarded as one line; the child refuses longer lines (with no
  // id to answer), so the cap must leave room for the caller the gateway adds.
  const std::size_t child_line_cap = mcp::TransportOptions{}.max_message_bytes;
  if (options.max_body_bytes > child_line_cap - 64 * 1024) {
    spdlog::error("--max-request-bytes {}: at most {} (a child reads lines of up to {} bytes)", options.max_body_bytes,
                  child_line_cap - 64 * 1024, child_line_cap);
    return 2;
  }
  if ((options.tls_cert_file.empty()) != (options.tls_key_file.empty())) {
    spdlog::error("--tls-cert and --tls-key go together");
    return 2;
  }

  HttpServerOptions server_options;
  server_options.listen = config.listen;
  server_options.limits.max_body_bytes = options.max_body_bytes;
  server_options.limits.header_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(options.header_timeout_s * 1000));
  server_options.tls_cert_file = options.tls_cert_file;
  server_options.tls_key_file = options.tls_key_file;

  PoolOptions pool_options;
  pool_options.command = {"/proc/self/exe", {"serve", "--trusted-gateway-child"}, child_environment(config)};
  if (config.allow_unsafe_role) pool_options.command.arguments.push_back("--allow-unsafe-role");
  pool_options.size = config.pool_max;
  pool_options.queue_max = options.queue_max > 0 ? options.queue_max : 4 * config.pool_max;

  DatabaseProbe database(config.database_url);
  EndpointOptions endpoint_options;
  endpoint_options.origins.allowed_origins = split_list(options.allowed_origins);
  endpoint_options.origins.allowed_hosts = split_list(options.allowed_hosts);
  endpoint_options.require_token = !options.insecure_no_auth;
  endpoint_options.anonymous_caller = config.caller;
  endpoint_options.database_state = [&database] { return database.state(); };
  // A partial file older than the longest export (and an hour) is a dead child's.
  ExportDownloads downloads(exports::export_directory(config), config.export_timeout_s + 3600);
  endpoint_options.downloads = &downloads;

  try {
    std::unique_ptr<McpEndpoint> endpoint;
    GatewayMetrics metrics;
    HttpServer server(server_options, [&endpoint, &metrics](const HttpRequest& request, ResponseChannel& channel) {
      const auto started = std::chrono::steady_clock::now();
      endpoint->handle(request, channel);
      if (request.method == "POST" && (request.path == "/mcp" || request.path == "/"))
        metrics.record_request(request_method(request.body), channel.status(),
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }, [&metrics](const AccessRecord& record) {
      metrics.record_response(record.status);
      write_access_line(record);
    });
    if (options.insecure_no_auth && !server.bound_to_loopback()) {
      spdlog::error("--insecure-no-auth is refused on {}: only a loopback address may serve without tokens",
                    server.bound_address());
      return 2;
    }
    endpoint_options.origins.loopback_listener = server.bound_to_loopback();
    endpoint_options.oauth = oauth_settings;
    std::unique_ptr<oauth::IssuerKeys> issuer_keys;
    std::unique_ptr<oauth::JwtAuthenticator> jwt;
    std::unique_ptr<oauth::TokenIntrospector> introspector;
    if (oauth_settings.enabled()) {
      if (oauth_settings.public_url.empty() && !server.bound_to_loopback()) {
        spdlog::error("MCP_PUBLIC_URL (--public-url) is required with MCP_OAUTH_ISSUER on {}: OAuth clients must be "
                      "told the URL they reach the gateway at, e.g. https://fleetmcp.example.com",
                      server.bound_address());
        return 2;
      }
      oauth::complete_oauth_settings(endpoint_options.oauth,
                                     (options.tls_cert_file.empty() ? "http://" : "https://") + server.bound_address());
      issuer_keys = std::make_unique<oauth::IssuerKeys>(oauth_settings.issuer);
      // A first fetch now, so a wrong issuer shows in the log at start; an
      // issuer that is down is retried when tokens arrive.
      issuer_keys->refresh();
      jwt = std::make_unique<oauth::JwtAuthenticator>(endpoint_options.oauth.jwt_policy(), *issuer_keys);
      spdlog::info("OAuth: JWTs from {} for audience {} with scope(s) '{}'; metadata at {}", oauth_settings.issuer,
                   endpoint_options.oauth.jwt_policy().audience, oauth_settings.scopes,
                   endpoint_options.oauth.metadata_url());
      if (oauth_settings.introspection()) {
        introspector = make_introspector(endpoint_options.oauth);
        if (!introspector) return 2;
      }
    }
    ChildPool pool(pool_options);
    endpoint = std::make_unique<McpEndpoint>(endpoint_options, tokens, pool, jwt.get(), introspector.get());
    std::unique_ptr<MetricsListener> metrics_listener;
    if (!options.metrics_listen.empty()) {
      try {
        metrics_listener = std::make_unique<MetricsListener>(options.metrics_listen, metrics, pool);
      } catch (const ServerError& error) {
        throw ServerError(std::string{"MCP_METRICS_LISTEN / --metrics-listen: "} + error.what());
      }
      spdlog::info("metrics on http://{}/metrics", metrics_listener->bound_address());
      if (!metrics_listener->bound_to_loopback())
        spdlog::warn("MCP_METRICS_LISTEN {} is not a loopback address: anyone who reaches it sees the gateway's "
                     "counters; firewall it or bind 127.0.0.1", metrics_listener->bound_address());
    }

    std::thread signal_thread([&] {
      for (;;) {
        int received = 0;
        if (sigwait(&signals, &received) != 0) continue;
        if (received != SIGHUP) {
          spdlog::info("{}: no new connections; finishing requests in flight", received == SIGTERM ? "SIGTERM" : "SIGINT");
          server.request_stop();
          return;
        }
        if (options.tokens_file.empty()) {
          spdlog::info("SIGHUP: no MCP_AUTH_TOKENS_FILE to reload");
          continue;
        }
        try {
          auto reloaded = load_tokens(config.auth_tokens, options.tokens_file);
          const std::size_t count = reloaded.size();
          tokens.replace(std::move(reloaded));
          spdlog::info("SIGHUP: reloaded {} token(s) from {}", count, options.tokens_file);
        } catch (const TokenListError& bad) {
          spdlog::error("SIGHUP: keeping the current tokens: {}", bad.what());
        }
      }
    });

    spdlog::info("fleetmcp {} gateway listening on {}://{}/mcp ({} children, {} token(s){})", FLEETMCP_VERSION,
                 options.tls_cert_file.empty() ? "http" : "https", server.bound_address(), pool_options.size,
                 tokens.size(), options.insecure_no_auth ? ", NO AUTH" : oauth_settings.enabled() ? ", OAuth" : "");
    const std::size_t unfinished = server.run();
    signal_thread.join();
    if (unfinished > 0) {
      spdlog::warn("{} request(s) still running after the drain period; stopping anyway", unfinished);
      spdlog::shutdown();
      std::_Exit(1);  // their threads still use the pool; do not unwind under them
    }
    spdlog::info("stopped");
  } catch (const ServerError& error) {
    spdlog::error("{}", error.what());
    return 2;
  } catch (const std::system_error& error) {
    spdlog::error("{}", error.what());
    return 2;
  }
  return 0;
}

}  // namespace fleetmcp::gateway
