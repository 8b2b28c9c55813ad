// Tests JSON-RPC framing: each error code, the message kinds, hostile input.
#include <string>

#include <doctest/doctest.h>

#include "json_text.h"
#include "mcp/jsonrpc.h"

using fleetmcp::append_json_string_body;
using namespace fleetmcp::mcp;
using nlohmann::json;

namespace {

Invalid expect_invalid(const std::string& line) {
  Message message = decode_line(line);
  REQUIRE(std::holds_alternative<Invalid>(message));
  return std::get<Invalid>(message);
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("a request keeps its id, method and params") {
  Message message = decode_line(R"({"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"cursor":"x"}})");
  REQUIRE(std::holds_alternative<Request>(message));
  const auto& request = std::get<Request>(message);
  CHECK(request.id == 7);
  CHECK(request.method == "tools/list");
  CHECK(request.params == json{{"cursor", "x"}});
}

TEST_CASE("string ids are kept as strings and absent params are null") {
  const auto request = std::get<Request>(decode_line(R"({"jsonrpc":"2.0","id":"a-1","method":"ping"})"));
  CHECK(request.id == "a-1");
  CHECK(request.params.is_null());
}

TEST_CASE("a message without id is a notification; one with result is a response") {
  CHECK(std::holds_alternative<Notification>(decode_line(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")));
  CHECK(std::holds_alternative<Response>(decode_line(R"({"jsonrpc":"2.0","id":3,"result":{}})")));
  CHECK(std::holds_alternative<Response>(decode_line(R"({"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"x"}})")));
}

TEST_CASE("text that is not JSON is a parse error without an id") {
  const Invalid invalid = expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":)");
  CHECK(invalid.error.code == error_code::parse_error);
  CHECK(invalid.id.is_null());
  CHECK(invalid.error.message.starts_with("Parse error"));
}

TEST_CASE("invalid UTF-8 is a parse error, inside or outside strings") {
  CHECK(expect_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\xff\"}").error.code == error_code::parse_error);
  CHECK(expect_invalid("\xc3\x28").error.code == error_code::parse_error);
  CHECK(expect_invalid("{\"m\":\"\xed\xa0\x80\"}").error.code == error_code::parse_error);  // encoded surrogate
  CHECK(expect_invalid(R"({"m":"\ud800"})").error.code == error_code::parse_error);      // lone escaped surrogate
}

TEST_CASE("a number too large for a double is a parse error, not an exception") {
  // Found by the jsonrpc fuzz target: nlohmann refuses 1e999 with out_of_range.
  const Invalid invalid = expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"n":1e88888888}})");
  CHECK(invalid.error.code == error_code::parse_error);
  CHECK(invalid.error.message.find("number overflow") != std::string::npos);
}

TEST_CASE("structural problems are invalid requests") {
  CHECK(expect_invalid(R"("just a string")").error.code == error_code::invalid_request);
  CHECK(expect_invalid(R"({"id":1,"method":"ping"})").error.message.find("jsonrpc") != std::string::npos);
  CHECK(expect_invalid(R"({"jsonrpc":"1.0","id":1,"method":"ping"})").error.code == error_code::invalid_request);
  CHECK(expect_invalid(R"({"jsonrpc":"2.0","id":1})").error.message.find("method: required") != std::string::npos);

  const Invalid bad_method = expect_invalid(R"({"jsonrpc":"2.0","id":4,"method":5})");
  CHECK(bad_method.error.code == error_code::invalid_request);
  CHECK(bad_method.id == 4);  // a readable id is echoed so the client can match the error

  CHECK(expect_invalid(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":"x"})").error.code ==
        error_code::invalid_request);
}

TEST_CASE("ids must be strings or integers") {
  for (const char* id : {"null", "1.5", "true", "{}", "[1]"}) {
    CAPTURE(id);
    const Invalid invalid = expect_invalid(std::string(R"({"jsonrpc":"2.0","method":"ping","id":)") + id + "}");
    CHECK(invalid.error.code == error_code::invalid_request);
    CHECK(invalid.id.is_null());
  }
}

TEST_CASE("batches are refused with a message saying MCP removed them") {
  const Invalid invalid = expect_invalid(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  CHECK(invalid.error.code == error_code::invalid_request);
  CHECK(invalid.error.message.find("batch") != std::string::npos);
}

TEST_CASE("nesting is allowed to the limit and refused beyond it") {
  const std::string at_limit = R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":)" + nested_arrays(62) + "}}";
  CHECK(std::holds_alternative<Request>(decode_line(at_limit)));  // 64 levels with the two objects

  const std::string beyond = R"({"jsonrpc":"2.0","id":1,"method":"m","params":{"a":)" + nested_arrays(63) + "}}";
  const Invalid invalid = expect_invalid(beyond);
  CHECK(invalid.error.code == error_code::invalid_request);
  CHECK(invalid.error.message.find("nested deeper than 64") != std::string::npos);
}

TEST_CASE("100,000 levels of nesting are refused without exhausting the stack") {
  CHECK(expect_invalid(nested_arrays(100000)).error.code == error_code::invalid_request);
  CHECK(expect_invalid(std::string(100000, '[')).error.code == error_code::invalid_request);  // unterminated too
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  CHECK(expect_invalid(objects).error.code == error_code::invalid_request);
}

TEST_CASE("error replies leave out an unknown id and carry data only when given") {
  const json without_id = error_response(nullptr, {error_code::parse_error, "Parse error", nullptr});
  CHECK_FALSE(without_id.contains("id"));
  CHECK_FALSE(without_id["error"].contains("data"));
  CHECK(without_id["jsonrpc"] == "2.0");

  const json with_id = error_response("x", {error_code::invalid_params, "bad", {{"field", "name"}}});
  CHECK(with_id["id"] == "x");
  CHECK(with_id["error"]["data"]["field"] == "name");
  CHECK(with_id["error"]["code"] == -32602);
}

TEST_CASE("encoding is one line and replaces invalid UTF-8 instead of throwing") {
  const json message = result_response(1, {{"text", std::string("caf\xc3") + "\nnext"}});
  std::string line;
  CHECK_NOTHROW(line = encode(message));
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find("\xef\xbf\xbd") != std::string::npos);  // U+FFFD
  CHECK(json::parse(line)["result"]["text"].get<std::string>().ends_with("\nnext"));
}

TEST_CASE("notifications are built without an id") {
  const json note = notification("notifications/progress", {{"progress", 1}});
  CHECK_FALSE(note.contains("id"));
  CHECK(note["method"] == "notifications/progress");
}

TEST_CASE("a tool answer's text is written into the line as encode() would write it") {
  const std::string texts[] = {"", "plain", R"({"rows":[["a \"quoted\" name",1.5]]})", "line\nbreak\t\x01",
                               "caf\xC3\xA9", "bad \xFF byte"};
  const json metas[] = {nullptr, json{{"io.modelcontextprotocol/serverInfo", {{"name", "x \"content\":[{\"text\":\""}}}}};
  for (const std::string& text : texts) {
    for (const json& meta : metas) {
      for (bool is_error : {false, true}) {
        auto message_with = [&](const std::string& content) {
          json result = {{"content", json::array({{{"type", "text"}, {"text", content}}})}, {"isError", is_error}};
          if (!meta.is_null()) {
            result["_meta"] = meta;
            result["resultType"] = "complete";
          }
          return result_response(json("id \"content\":[{\"text\":\""), std::move(result));
        };
        CAPTURE(text);
        CHECK(encode_with_text(message_with(""), text) == encode(message_with(text)) + "\n");
        // Split around the text, as a streamed answer writes it: the same bytes.
        const TextEnvelope parts = split_at_text(message_with(""));
        std::string streamed = parts.before;
        append_json_string_body(streamed, text);
        CHECK(streamed + parts.after == encode(message_with(text)) + "\n");
        // The start does not depend on the outcome, which is decided last.
        json other = message_with("");
        other["result"]["isError"] = !is_error;
        CHECK(split_at_text(other).before == parts.before);
      }
    }
  }
  CHECK_THROWS_AS(encode_with_text(result_response(1, json::object()), "x"), std::logic_error);
}
