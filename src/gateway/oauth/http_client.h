// A minimal HTTP/1.1 client for the identity provider's metadata and keys
// (GET) and token introspection (POST of a form): TLS over OpenSSL with the system CA store, SNI and host name check;
// plain http only to loopback (tests, a local broker). One request per
// connection, bounded in time and size; no redirects, no cookies.
#pragma once

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace fleetmcp::gateway::oauth {

struct FetchLimits {
  std::chrono::milliseconds timeout{5'000};  // the whole exchange, connect to last byte
  std::size_t max_body_bytes = 1024 * 1024;
};

struct FetchedDocument {
  int status = 0;
  std::string content_type;
  std::string body;
};

// Why a fetch failed, in words for a log line or --check (never a secret:
// the URLs fetched are public).
struct FetchError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

FetchedDocument http_get(const std::string& url, const FetchLimits& limits = {});

// POSTs an application/x-www-form-urlencoded `form` with an Authorization
// header (RFC 7662 §2.1). Neither appears in a FetchError: the form holds the
// token, the header the client secret. A redirect is returned, not followed.
FetchedDocument http_post_form(const std::string& url, const std::string& authorization, const std::string& form,
                               const FetchLimits& limits = {});

}  // namespace fleetmcp::gateway::oauth
