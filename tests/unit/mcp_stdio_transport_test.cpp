// Tests the stdio transport over real pipes: whole sessions in both eras,
// framing errors on the wire, cancellation of queued and running calls,
// progress, end of input and stop requests.
#include <poll.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "mcp/stdio_transport.h"

using namespace fleetmcp;
using namespace fleetmcp::mcp;
using nlohmann::json;

namespace {

// Lets a test hold a tool inside its handler and see cancellation arrive.
struct Gate {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = false;
  int started = 0;
  int cancel_hooks = 0;
  int call_starts = 0;

  void wait_started(int count) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return started >= count; });
  }
  void mark_started() {
    std::lock_guard lock(mutex);
    ++started;
    changed.notify_all();
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    changed.notify_all();
  }
  // What the database layer's PQcancel stands for here.
  int hooks() {
    std::lock_guard lock(mutex);
    return cancel_hooks;
  }
  void cancel_hook() {
    std::lock_guard lock(mutex);
    ++cancel_hooks;
    changed.notify_all();
  }
  void call_starting() {
    std::lock_guard lock(mutex);
    ++call_starts;
  }
  int starts() {
    std::lock_guard lock(mutex);
    return call_starts;
  }
  // A call whose first cancels miss, as when PQcancel reaches the server
  // between two statements: it ends at the third cancel hook only.
  void wait_for_third_cancel() {
    mark_started();
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return cancel_hooks >= 3; });
  }
  // Waits for release() or for the call's cancellation.
  bool wait(tools::CallContext& context) {
    mark_started();
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return open || context.is_cancelled(); });
    return open;
  }
};

tools::ToolRegistry gated_registry(Gate& gate) {
  tools::ToolRegistry registry;
  registry.add({"fast", "", "Answers at once.", {{"type", "object"}}, nullptr,
                [](const json& arguments, tools::CallContext&) {
                  return tools::ToolResult{"fast " + arguments.value("n", std::string())};
                }});
  registry.add({"gated", "", "Waits for the test or for cancellation.", {{"type", "object"}}, nullptr,
                [&gate](const json&, tools::CallContext& context) {
                  return tools::ToolResult{gate.wait(context) ? "released" : "cancelled"};
                }});
  registry.add({"counting", "", "Reports progress.", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext& context) {
                  context.progress(1, 3, "first batch");
                  context.progress(1, 3, "no progress made");  // not an increase: never sent
                  context.progress(2, 3, "");
                  return tools::ToolResult{"counted"};
                }});
  // Hands its answer over in pieces, as the query tool does with a large one.
  registry.add({"streaming", "", "Writes its answer while producing it.", {{"type", "object"}}, nullptr,
                [](const json&, tools::CallContext& context) {
                  context.progress(1, 3, "before the answer");
                  REQUIRE(context.write_ahead);
                  REQUIRE(context.write_ahead("{\"rows\":[[\"a \\\"quoted\\\" \u00e9\"],"));
                  context.progress(2, 3, "inside the answer: never sent");
                  REQUIRE(context.write_ahead("[\"line\\nbreak\"]"));
                  tools::ToolResult rest{"],\"error\":\"failed late\"}", true};
                  rest.text_handed_over = 10;
                  return rest;
                }});
  registry.add({"streaming_gated", "", "Writes a piece, then waits.", {{"type", "object"}}, nullptr,
                [&gate](const json&, tools::CallContext& context) {
                  const bool written = context.write_ahead("{\"first\":");
                  gate.wait(context);
                  return tools::ToolResult{written ? "1}" : "{\"first\":1}"};
                }});
  registry.add({"stubborn", "", "Ignores the first cancels.", {{"type", "object"}}, nullptr,
                [&gate](const json&, tools::CallContext&) {
                  gate.wait_for_third_cancel();
                  return tools::ToolResult{"stubborn"};
                }});
  return registry;
}

json request(json id, std::string method, json params = json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", std::move(id)}, {"method", std::move(method)}, {"params", std::move(params)}};
}

json call(json id, std::string tool, json meta = nullptr) {
  json params = {{"name", std::move(tool)}, {"arguments", json::object()}};
  if (!meta.is_null()) params["_meta"] = std::move(meta);
  return request(std::move(id), "tools/call", std::move(params));
}

json cancel(json id) {
  return {{"jsonrpc", "2.0"}, {"method", "notifications/cancelled"}, {"params", {{"requestId", std::move(id)}, {"reason", "test"}}}};
}

// A server running on its own thread behind two pipes, driven like a client would.
struct Session {
  Gate gate;
  tools::ToolRegistry registry = gated_registry(gate);
  Server server{ServerInfo{"fleetmcp", "", "0.0.1", "instructions", std::chrono::minutes(1), false, {}}, registry,
                CallerPolicy{"tester", false}};
  StdioTransport transport;
  int to_server[2] = {-1, -1};
  int from_server[2] = {-1, -1};
  std::thread runner;
  StdioTransport::StopReason reason = StdioTransport::StopReason::end_of_input;
  std::string pending;

  std::vector<std::string> refused_calls;  // tool names told to call_refused

  explicit Session(TransportOptions options = {}) : transport(server, with_hooks(std::move(options))) {
    REQUIRE(pipe(to_server) == 0);
    REQUIRE(pipe(from_server) == 0);
    runner = std::thread([this] { reason = transport.run(to_server[0], from_server[1]); });
  }
  TransportOptions with_hooks(TransportOptions options) {
    options.cancel_running_call = [this] { gate.cancel_hook(); };
    options.call_starting = [this] { gate.call_starting(); };
    options.call_refused = [this](const PreparedCall& call, const std::string&) { refused_calls.push_back(call.tool->name); };
    return options;
  }
  static TransportOptions capped_at(std::size_t max_message_bytes) {
    TransportOptions options;
    options.max_message_bytes = max_message_bytes;
    return options;
  }
  ~Session() {
    close_input();
    if (runner.joinable()) runner.join();
    for (int fd : {to_server[0], from_server[0], from_server[1]})
      if (fd >= 0) close(fd);
  }

  void send_raw(const std::string& line) {
    for (std::size_t done = 0; done < line.size();) {
      const ssize_t n = write(to_server[1], line.data() + done, line.size() - done);
      REQUIRE(n > 0);
      done += static_cast<std::size_t>(n);
    }
  }
  void send(const json& message) { send_raw(message.dump() + "\n"); }

  // The next line of output, or nullopt at EOF. The 10 s poll only keeps a
  // broken build from hanging the suite; nothing here measures speed.
  std::optional<json> next_message() {
    for (;;) {
      if (auto newline = pending.find('\n'); newline != std::string::npos) {
        std::string line = pending.substr(0, newline);
        pending.erase(0, newline + 1);
        return json::parse(line);
      }
      pollfd fd{from_server[0], POLLIN, 0};
      REQUIRE_MESSAGE(poll(&fd, 1, 10000) == 1, "no output from the server");
      char buffer[4096];
      const ssize_t n = read(from_server[0], buffer, sizeof buffer);
      if (n <= 0) return std::nullopt;
      pending.append(buffer, static_cast<std::size_t>(n));
    }
  }
  json receive() {
    auto message = next_message();
    REQUIRE(message.has_value());
    return *message;
  }

  void close_input() {
    if (to_server[1] >= 0) close(to_server[1]);
    to_server[1] = -1;
  }
  // Ends the session and returns whatever output remained.
  std::vector<json> finish() {
    close_input();
    runner.join();
    close(from_server[1]);
    from_server[1] = -1;
    std::vector<json> rest;
    while (auto message = next_message()) rest.push_back(*message);
    return rest;
  }
};

}  // namespace

TEST_CASE("a legacy session: initialize, list, call, then EOF ends run()") {
  Session session;
  session.send(request(1, "initialize",
                       {{"protocolVersion", "2025-06-18"}, {"capabilities", json::object()},
                        {"clientInfo", {{"name", "sdk"}, {"version", "1"}}}}));
  const json init = session.receive();
  CHECK(init["id"] == 1);
  CHECK(init["result"]["protocolVersion"] == "2025-06-18");
  session.send({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  session.send(request(2, "tools/list"));
  const json listed = session.receive();
  CHECK(listed["id"] == 2);
  CHECK(listed["result"]["tools"].size() == 6);
  session.send(request(3, "tools/call", {{"name", "fast"}, {"arguments", {{"n", "one"}}}}));
  const json called = session.receive();
  CHECK(called["id"] == 3);
  CHECK(called["result"]["content"][0]["text"] == "fast one");
  CHECK(session.finish().empty());
  CHECK(session.reason == StdioTransport::StopReason::end_of_input);
}

TEST_CASE("a modern session: discover, then calls with the envelope") {
  Session session;
  const json meta = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                     {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  session.send(request("d", "server/discover", {{"_meta", meta}}));
  const json discovered = session.receive();
  CHECK(discovered["result"]["supportedVersions"][0] == "2026-07-28");
  session.send(call("c", "fast", meta));
  const json called = session.receive();
  CHECK(called["result"]["resultType"] == "complete");
  CHECK(called["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"] == "fleetmcp");
}

TEST_CASE("framing errors are answered on the wire and the session carries on") {
  Session session;
  session.send_raw("this is not json\n");
  json reply = session.receive();
  CHECK(reply["error"]["code"] == -32700);
  CHECK_FALSE(reply.contains("id"));

  session.send_raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\xffng\"}\n");
  CHECK(session.receive()["error"]["code"] == -32700);

  session.send_raw(std::string(100000, '[') + std::string(100000, ']') + "\n");
  CHECK(session.receive()["error"]["code"] == -32600);

  session.send_raw(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])" "\n");
  CHECK(session.receive()["error"]["code"] == -32600);

  session.send_raw("\n   \r\n");  // blank lines are not messages
  session.send(request(9, "no/such/method"));
  reply = session.receive();
  CHECK(reply["id"] == 9);
  CHECK(reply["error"]["code"] == -32601);

  session.send(request(10, "ping"));
  CHECK(session.receive()["id"] == 10);
}

TEST_CASE("a line over the default 4 MiB cap is refused and the next line is served") {
  Session session;
  const std::string huge = R"({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":")" +
                           std::string(4 * 1024 * 1024 + 1, 'a') + "\"}}\n";
  session.send_raw(huge);
  const json refused = session.receive();
  CHECK(refused["error"]["code"] == -32600);
  CHECK(std::string(refused["error"]["message"]).find("too large") != std::string::npos);
  session.send(request(2, "ping"));
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("the cap is configurable") {
  Session session(Session::capped_at(64));
  session.send(request(1, "tools/call", {{"name", "fast"}, {"arguments", {{"n", std::string(100, 'x')}}}}));
  CHECK(session.receive()["error"]["code"] == -32600);
  session.send(request(2, "ping"));
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("quick requests are answered while a call runs; calls run one at a time in order") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.send(call(2, "fast"));
  session.send(request(3, "tools/list"));
  CHECK(session.receive()["id"] == 3);  // answered by the reader while call 1 blocks the worker
  session.gate.release();
  CHECK(session.receive()["id"] == 1);
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("calls past the queue's bound are answered busy at once and reported, the queue kept") {
  TransportOptions options;
  options.max_queued_calls = 2;
  Session session(options);
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  for (int id = 2; id <= 5; ++id) session.send(call(id, "fast"));
  for (int id = 4; id <= 5; ++id) {
    const json busy = session.receive();
    CHECK(busy["id"] == id);
    CHECK(busy["error"]["code"] == -32603);
    CHECK(std::string(busy["error"]["message"]).find("Server busy") != std::string::npos);
  }
  session.gate.release();
  for (int id = 1; id <= 3; ++id) CHECK(session.receive()["id"] == id);
  session.finish();
  CHECK(session.refused_calls == std::vector<std::string>{"fast", "fast"});
}

TEST_CASE("cancelling a queued call removes it without a response") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.send(call(2, "fast"));
  session.send(cancel(2));
  session.send(request(3, "ping"));
  CHECK(session.receive()["id"] == 3);  // the reader has handled the cancellation by now
  session.gate.release();
  session.send(call(4, "fast"));
  const json first = session.receive();
  CHECK(first["id"] == 1);
  CHECK(first["result"]["content"][0]["text"] == "released");
  CHECK(session.receive()["id"] == 4);  // call 2 would have come before this
  CHECK(session.gate.hooks() == 0);  // nothing was running for it to interrupt
}

TEST_CASE("cancelling the running call interrupts it and suppresses its response") {
  Session session;
  session.send(call("long", "gated"));
  session.gate.wait_started(1);
  session.send(cancel("long"));
  session.send(call("next", "fast"));
  CHECK(session.receive()["id"] == "next");  // the worker answers in order, so "long" sent nothing
  CHECK(session.gate.hooks() == 1);
}

TEST_CASE("cancellations for unknown or finished requests are ignored") {
  Session session;
  session.send(call(1, "fast"));
  CHECK(session.receive()["id"] == 1);
  session.send(cancel(1));
  session.send(cancel("never-sent"));
  session.send(request(2, "ping"));
  CHECK(session.receive()["id"] == 2);
  CHECK(session.gate.hooks() == 0);
}

TEST_CASE("progress notifications carry the client's token, increase, and precede the result") {
  Session session;
  session.send(call(1, "counting", {{"progressToken", "tok"}}));
  const json first = session.receive();
  CHECK(first["method"] == "notifications/progress");
  CHECK(first["params"] == json{{"progressToken", "tok"}, {"progress", 1.0}, {"total", 3.0}, {"message", "first batch"}});
  const json second = session.receive();
  CHECK(second["params"] == json{{"progressToken", "tok"}, {"progress", 2.0}, {"total", 3.0}});
  CHECK(session.receive()["id"] == 1);
}

TEST_CASE("no progress is sent without a token") {
  Session session;
  session.send(call(1, "counting"));
  CHECK(session.receive()["id"] == 1);
}

TEST_CASE("end of input: the calls already received are answered, then run() returns") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.send(call(2, "fast"));
  session.close_input();  // as `printf '…' | fleetmcp` does after its last request
  session.gate.release();
  const std::vector<json> rest = session.finish();
  REQUIRE(rest.size() == 2);
  CHECK(rest[0]["id"] == 1);
  CHECK(rest[0]["result"]["content"][0]["text"] == "released");
  CHECK(rest[1]["id"] == 2);
  CHECK(session.gate.hooks() == 0);
  CHECK(session.reason == StdioTransport::StopReason::end_of_input);
}

TEST_CASE("end of input with nobody reading the output cancels the running call and drops queued ones") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.send(call(2, "fast"));
  close(session.from_server[0]);  // the client exited: its end of both pipes is gone
  session.from_server[0] = -1;
  session.close_input();
  session.runner.join();
  CHECK(session.gate.hooks() == 1);
  CHECK(session.gate.starts() == 1);  // call 2 never ran
  CHECK(session.reason == StdioTransport::StopReason::end_of_input);
}

TEST_CASE("a stop while the received calls are being answered cancels the running call") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.close_input();
  session.transport.request_stop();
  session.runner.join();
  CHECK(session.gate.hooks() == 1);
  CHECK(session.reason == StdioTransport::StopReason::stop_requested);
}

TEST_CASE("a stop repeats the cancel until the running call ends") {
  Session session;
  session.send(call(1, "stubborn"));
  session.gate.wait_started(1);
  session.transport.request_stop();
  session.runner.join();
  CHECK(session.gate.hooks() == 3);
}

TEST_CASE("the database layer hears of each call as it starts, before its handler") {
  Session session;
  session.send(call(1, "fast"));
  CHECK(session.receive()["id"] == 1);
  session.send(call(2, "gated"));
  session.gate.wait_started(1);
  CHECK(session.gate.starts() == 2);
  session.gate.release();
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("request_stop ends run() with the input still open") {
  Session session;
  session.send(call(1, "gated"));
  session.gate.wait_started(1);
  session.transport.request_stop();
  session.runner.join();
  CHECK(session.reason == StdioTransport::StopReason::stop_requested);
  CHECK(session.gate.hooks() == 1);
}

TEST_CASE("an answer written while it is produced arrives as one line, its text whole, isError from the end") {
  Session session;
  session.send(call(1, "streaming", {{"progressToken", "tok"}}));
  const json progress = session.receive();
  CHECK(progress["params"]["message"] == "before the answer");
  const json answer = session.receive();  // no progress inside the line, none after it
  CHECK(answer["id"] == 1);
  CHECK(answer["result"]["isError"] == true);
  const std::string text = answer["result"]["content"][0]["text"];
  CHECK(text == "{\"rows\":[[\"a \\\"quoted\\\" \u00e9\"],[\"line\\nbreak\"]],\"error\":\"failed late\"}");
  CHECK(json::parse(text)["rows"][1][0] == "line\nbreak");
  session.send(request(2, "ping"));
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("a modern answer written in pieces keeps the envelope's fields") {
  Session session;
  const json meta = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                     {"io.modelcontextprotocol/clientCapabilities", json::object()}};
  session.send(call(1, "streaming", meta));
  const json answer = session.receive();
  CHECK(answer["result"]["resultType"] == "complete");
  CHECK(answer["result"]["isError"] == true);
  CHECK(answer["result"]["_meta"].contains("io.modelcontextprotocol/serverInfo"));
}

TEST_CASE("no other message cuts into an answer being written") {
  Session session;
  session.send(call(1, "streaming_gated"));
  session.gate.wait_started(1);  // its first piece is on the wire
  session.send(request(2, "ping"));
  // Give the reader time to try to answer the ping mid-line; the answer
  // must still come whole, the ping after it.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  session.gate.release();
  const json first = session.receive();
  CHECK(first["id"] == 1);
  CHECK(first["result"]["content"][0]["text"] == "{\"first\":1}");
  CHECK(session.receive()["id"] == 2);
}

TEST_CASE("an answer cancelled after its first piece went out is finished, so the stream stays readable") {
  Session session;
  session.send(call(1, "streaming_gated"));
  session.gate.wait_started(1);
  session.send(cancel(1));
  const json first = session.receive();
  CHECK(first["id"] == 1);
  CHECK(first["result"]["content"][0]["text"] == "{\"first\":1}");
  session.send(request(2, "ping"));
  CHECK(session.receive()["id"] == 2);
}
