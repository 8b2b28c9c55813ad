// JSON-RPC 2.0 framing: decoding a line, building and encoding replies.
#include "mcp/jsonrpc.h"

#include <stdexcept>

#include "json_text.h"

namespace fleetmcp::mcp {
namespace {

using nlohmann::json;

struct TooDeep {};

// nlohmann's messages start with "[json.exception.parse_error.101] "; the
// position and reason after it are what a client author needs.
std::string parse_error_detail(const json::exception& error) {
  std::string_view text = error.what();
  if (auto end = text.find("] "); text.starts_with("[json.exception") && end != std::string_view::npos)
    text.remove_prefix(end + 2);
  return std::string(text);
}

bool is_valid_id(const json& id) { return id.is_string() || id.is_number_integer(); }

// The id to echo in an error about a message whose other parts are wrong.
json salvage_id(const json& object) {
  auto it = object.find("id");
  return it != object.end() && is_valid_id(*it) ? *it : json(nullptr);
}

Invalid invalid(json id, std::string message) {
  return {std::move(id), {error_code::invalid_request, std::move(message), nullptr}};
}

}  // namespace

Message decode_line(std::string_view line, std::size_t max_depth) {
  // The callback sees every container as it opens, with the count of
  // containers around it, so a deep document is abandoned at the first
  // level too many instead of being built.
  const json::parser_callback_t refuse_deep = [max_depth](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        static_cast<std::size_t>(depth) >= max_depth)
      throw TooDeep{};
    return true;
  };
  try {
    return classify(json::parse(line, refuse_deep));
  } catch (const TooDeep&) {
    return invalid(nullptr, "Invalid Request: JSON nested deeper than " + std::to_string(max_depth) + " levels");
  } catch (const json::exception& error) {
    // parse_error, and out_of_range for a number too large for a double
    // (1e999): either way the client sent text we cannot parse.
    return Invalid{nullptr, {error_code::parse_error, "Parse error: " + parse_error_detail(error), nullptr}};
  }
}

Message classify(const json& value) {
  if (value.is_array())
    return invalid(nullptr,
                   "Invalid Request: batches (JSON arrays) are not supported; MCP removed JSON-RPC batching, "
                   "send one message per line");
  if (!value.is_object()) return invalid(nullptr, "Invalid Request: a message must be a JSON object");

  const json id = salvage_id(value);
  auto version = value.find("jsonrpc");
  if (version == value.end() || *version != "2.0") return invalid(id, "Invalid Request: jsonrpc: expected \"2.0\"");

  auto method = value.find("method");
  auto id_field = value.find("id");
  if (method == value.end()) {
    if (value.contains("result") || value.contains("error")) return Response{id};
    return invalid(id, "Invalid Request: method: required");
  }
  if (!method->is_string()) return invalid(id, "Invalid Request: method: expected a string");
  if (id_field != value.end() && !is_valid_id(*id_field))
    return invalid(nullptr, "Invalid Request: id: expected a string or an integer (MCP forbids null)");

  json params = nullptr;
  if (auto it = value.find("params"); it != value.end()) {
    if (!it->is_object() && !it->is_array()) return invalid(id, "Invalid Request: params: expected an object");
    params = *it;
  }
  if (id_field == value.end()) return Notification{method->get<std::string>(), std::move(params)};
  return Request{*id_field, method->get<std::string>(), std::move(params)};
}

json result_response(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json error_response(const json& id, const RpcError& error) {
  json body = {{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) body["data"] = error.data;
  json reply = {{"jsonrpc", "2.0"}};
  if (!id.is_null()) reply["id"] = id;
  reply["error"] = std::move(body);
  return reply;
}

json notification(std::string method, json params) {
  return {{"jsonrpc", "2.0"}, {"method", std::move(method)}, {"params", std::move(params)}};
}

const json& object_or_empty(const json& params) {
  static const json empty = json::object();
  return params.is_object() ? params : empty;
}

void refuse_unknown_cursor(const json& params, const std::string& one_page) {
  const json& given = object_or_empty(params);
  if (auto cursor = given.find("cursor"); cursor != given.end() && !cursor->is_null()) {
    if (!cursor->is_string())
      throw RpcException(error_code::invalid_params, "params.cursor: expected a string");
    throw RpcException(error_code::invalid_params, "params.cursor: unknown cursor; " + one_page);
  }
}

std::string encode(const json& message) { return message.dump(-1, ' ', false, json::error_handler_t::replace); }

TextEnvelope split_at_text(const json& message) {
  std::string envelope = encode(message);
  // Keys are written sorted, so the item is {"text":"","type":"text"}. In a
  // compact dump an unescaped '"' only ever opens or closes a string, so the
  // first match is the key itself, never a piece of a value.
  static constexpr std::string_view kSlot = R"("content":[{"text":")";
  const std::size_t slot = envelope.find(kSlot);
  if (slot == std::string::npos) throw std::logic_error("split_at_text: the message has no content text");
  const std::size_t at = slot + kSlot.size();
  TextEnvelope parts{envelope.substr(0, at), envelope.substr(at) + '\n'};
  return parts;
}

std::string encode_with_text(const json& message, std::string text) {
  const TextEnvelope envelope = split_at_text(message);
  if (wrap_as_json_string_body(text, envelope.before, envelope.after)) return text;
  std::string line = envelope.before;  // invalid UTF-8: escaped with replacements, into a new buffer
  append_json_string_body(line, text);
  line += envelope.after;
  return line;
}

}  // namespace fleetmcp::mcp
