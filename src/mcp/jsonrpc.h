// JSON-RPC 2.0 framing as MCP uses it: one line of input becomes one message
// (or the error to answer with), and replies are built and encoded here.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace fleetmcp::mcp {

namespace error_code {
inline constexpr int parse_error = -32700;
inline constexpr int invalid_request = -32600;
inline constexpr int method_not_found = -32601;
inline constexpr int invalid_params = -32602;
inline constexpr int internal_error = -32603;
// The MCP range (2026-07-28, basic/index "Error Codes").
inline constexpr int header_mismatch = -32020;
inline constexpr int missing_required_client_capability = -32021;
inline constexpr int unsupported_protocol_version = -32022;
}  // namespace error_code

struct RpcError {
  int code = error_code::internal_error;
  std::string message;
  nlohmann::json data;  // left out of the reply when null
};

// Thrown by request handlers to answer with a JSON-RPC error instead of a result.
class RpcException : public std::runtime_error {
 public:
  explicit RpcException(RpcError error) : std::runtime_error(error.message), error_(std::move(error)) {}
  RpcException(int code, std::string message, nlohmann::json data = nullptr)
      : RpcException(RpcError{code, std::move(message), std::move(data)}) {}
  const RpcError& error() const { return error_; }

 private:
  RpcError error_;
};

// params is an object, an array, or null when the message had none.
struct Request {
  nlohmann::json id;  // a string or an integer
  std::string method;
  nlohmann::json params;
};
struct Notification {
  std::string method;
  nlohmann::json params;
};
// A client's answer to a server request; this server sends none, so these are ignored.
struct Response {
  nlohmann::json id;
};
// Something that must be answered with `error`; id is null when it could not be read.
struct Invalid {
  nlohmann::json id;
  RpcError error;
};
using Message = std::variant<Request, Notification, Response, Invalid>;

// Deeper input is refused before it is built, so hostile nesting costs nothing.
inline constexpr std::size_t default_max_depth = 64;

// Parses one line (without its newline) into a message. Never throws.
Message decode_line(std::string_view line, std::size_t max_depth = default_max_depth);

// Classifies an already parsed value. Never throws.
Message classify(const nlohmann::json& value);

nlohmann::json result_response(const nlohmann::json& id, nlohmann::json result);
// MCP's schema types an error's id as string|integer and optional, so an
// unknown id is left out rather than sent as null (which the SDKs reject).
nlohmann::json error_response(const nlohmann::json& id, const RpcError& error);
nlohmann::json notification(std::string method, nlohmann::json params);

// One line of output, without the newline. Invalid UTF-8 (from tool text or
// echoed input) is replaced, never thrown on.
std::string encode(const nlohmann::json& message);

// A request's params as an object ({} when absent or not one).
const nlohmann::json& object_or_empty(const nlohmann::json& params);

// A list method that hands out no cursor: any cursor in `params` is one it
// cannot honour, refused with -32602 (pagination). `one_page` ends the
// message: "tools/list returns every tool in one page".
void refuse_unknown_cursor(const nlohmann::json& params, const std::string& one_page);

// One line of output, newline included, for a response whose result holds a
// single text content item: `message` carries it with an empty text, and
// `text` (up to megabytes of result rows) is escaped where it stands and
// becomes the line, instead of being copied into a json value and dumped
// from there. Byte for byte what encode() writes with that text in place.
std::string encode_with_text(const nlohmann::json& message, std::string text);

// The same line in two parts around that text: `before` ends with the
// text's opening quote, `after` starts with its closing one and ends with
// the newline. The answer's text can then be written between them as it is
// produced (mcp/streamed_answer.h).
struct TextEnvelope {
  std::string before;
  std::string after;
};
TextEnvelope split_at_text(const nlohmann::json& message);

}  // namespace fleetmcp::mcp
