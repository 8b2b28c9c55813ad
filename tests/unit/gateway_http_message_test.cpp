// Tests HTTP/1.1 request framing over a socket pair: parsing, keep-alive,
// pipelining, the size and time limits, malformed and chunked requests, and
// the response head.
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "gateway/http_message.h"

using namespace fleetmcp::gateway;
using Outcome = RequestReader::Outcome;
using namespace std::chrono_literals;

namespace {

HttpLimits small_limits() {
  HttpLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_body_bytes = 4096;
  limits.header_timeout = 300ms;
  limits.body_timeout = 300ms;
  limits.idle_timeout = 300ms;
  return limits;
}

// A reader on one end of a socket pair; the test plays the client on the other.
struct Wire {
  HttpLimits limits = small_limits();
  int client = -1;
  int stop[2] = {-1, -1};  // the server's stop pipe: readable once stopping
  std::unique_ptr<Connection> connection;
  std::unique_ptr<RequestReader> reader;

  Wire() {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    REQUIRE(pipe(stop) == 0);
    client = fds[1];
    connection = std::make_unique<Connection>(fds[0], nullptr);
    reader = std::make_unique<RequestReader>(*connection, limits, stop[0]);
  }
  ~Wire() {
    reader.reset();
    connection.reset();
    if (client >= 0) close(client);
    close(stop[0]);
    close(stop[1]);
  }

  void send(std::string_view bytes) const {
    REQUIRE(::send(client, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }
  void hang_up() {
    close(client);
    client = -1;
  }
  Outcome next(HttpRequest& request) const { return reader->next(request); }
  Outcome next_of(std::string_view bytes) const {
    send(bytes);
    HttpRequest request;
    return next(request);
  }
};

}  // namespace

TEST_CASE("a request line and headers become a request") {
  Wire wire;
  wire.send("GET /healthz?verbose=1 HTTP/1.1\r\nHost: 127.0.0.1:8892\r\nX-Spaced:   padded value \t\r\n\r\n");
  HttpRequest request;
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.method == "GET");
  CHECK(request.target == "/healthz?verbose=1");
  CHECK(request.path == "/healthz");
  CHECK(request.keep_alive);
  CHECK(request.body.empty());
  REQUIRE(request.headers.size() == 2);
  CHECK(request.headers[0].first == "Host");  // names as sent
  CHECK(request.header("host") == "127.0.0.1:8892");  // looked up case-insensitively
  CHECK(request.header("X-SPACED") == "padded value");
  CHECK(request.has_header("x-spaced"));
  CHECK_FALSE(request.has_header("Origin"));
  CHECK(request.header("Origin").empty());
}

TEST_CASE("the first of repeated headers is the one header() returns") {
  Wire wire;
  wire.send("GET / HTTP/1.1\r\nAccept: a\r\naccept: b\r\n\r\n");
  HttpRequest request;
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.header("Accept") == "a");
  CHECK(request.headers.size() == 2);
}

TEST_CASE("keep-alive follows the version and the Connection header") {
  Wire wire;
  HttpRequest request;
  wire.send("GET / HTTP/1.0\r\n\r\n");
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK_FALSE(request.keep_alive);
  wire.send("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.keep_alive);
  wire.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK_FALSE(request.keep_alive);
}

TEST_CASE("a body arrives whole, however it is split on the wire") {
  Wire wire;
  const std::string body = R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})";
  std::thread client([&] {
    wire.send("POST /mcp HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n");
    std::this_thread::sleep_for(20ms);
    wire.send("Content-Type: application/json\r\n\r\n" + body.substr(0, 10));
    std::this_thread::sleep_for(20ms);
    wire.send(body.substr(10));
  });
  HttpRequest request;
  const Outcome outcome = wire.next(request);
  client.join();
  REQUIRE(outcome == Outcome::request);
  CHECK(request.method == "POST");
  CHECK(request.header("Content-Type") == "application/json");
  CHECK(request.body == body);
}

TEST_CASE("pipelined requests are framed one by one, leftovers kept for the next") {
  Wire wire;
  wire.send("POST /mcp HTTP/1.1\r\nContent-Length: 5\r\n\r\nfirstPOST /mcp HTTP/1.1\r\nContent-Length: 6\r\n\r\nsecond"
            "GET /healthz HTTP/1.1\r\n\r\n");
  HttpRequest request;
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.body == "first");
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.body == "second");
  REQUIRE(wire.next(request) == Outcome::request);
  CHECK(request.path == "/healthz");
  CHECK(request.body.empty());  // nothing of the previous request carries over
}

TEST_CASE("between requests, a close or an idle client ends the connection quietly") {
  SUBCASE("close") {
    Wire wire;
    wire.hang_up();
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::closed);
  }
  SUBCASE("idle past idle_timeout") {
    Wire wire;
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::closed);
  }
  SUBCASE("the server stops") {
    Wire wire;
    REQUIRE(write(wire.stop[1], "x", 1) == 1);
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::closed);
  }
}

TEST_CASE("a client that hangs up inside a request sent a bad request") {
  SUBCASE("in the head") {
    Wire wire;
    wire.send("GET / HTTP/1.1\r\nHost: x");
    wire.hang_up();
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::bad_request);
  }
  SUBCASE("in the body") {
    Wire wire;
    wire.send("POST /mcp HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf");
    wire.hang_up();
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::bad_request);
  }
}

TEST_CASE("a slow client times out once its request has begun") {
  SUBCASE("head") {
    Wire wire;
    CHECK(wire.next_of("GET / HTTP/1.1\r\nHost: x\r\n") == Outcome::timeout);
  }
  SUBCASE("body") {
    Wire wire;
    CHECK(wire.next_of("POST /mcp HTTP/1.1\r\nContent-Length: 10\r\n\r\nhalf") == Outcome::timeout);
  }
  SUBCASE("bare LF line ends never finish a head") {
    Wire wire;
    CHECK(wire.next_of("GET / HTTP/1.1\nHost: x\n\n") == Outcome::timeout);
  }
}

TEST_CASE("malformed heads are bad requests") {
  const char* heads[] = {
      "GET /\r\n\r\n",                                   // no version
      "GET\r\n\r\n",                                     // method only
      "GET / HTTP/2.0\r\n\r\n",                          // a version we do not speak
      "GET / http/1.1\r\n\r\n",                          // versions are case-sensitive
      "G(T / HTTP/1.1\r\n\r\n",                          // not a token
      " / HTTP/1.1\r\n\r\n",                             // empty method
      "GET  HTTP/1.1\r\n\r\n",                           // empty target
      "GET /a b HTTP/1.1\r\n\r\n",                       // space in the target
      "GET / HTTP/1.1\r\nNoColon\r\n\r\n",               // header without a colon
      "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",          // empty header name
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",           // space in a header name
      "GET / HTTP/1.1\r\nHost : x\r\n\r\n",              // space before the colon
      "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",       // obsolete line folding
      "POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n",  // not a number
      "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",   // negative
      "POST / HTTP/1.1\r\nContent-Length:\r\n\r\n",      // empty
      "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n",  // overflows
      "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",          // two Host headers
      "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n",          // even the same one twice
      "GET / HTTP/1.1\r\nX-A: one\rX-B: two\r\n\r\n",           // a bare CR inside a value
      "GET / HTTP/1.1\r\nX-A: trailing-cr\r\r\n\r\n",           // ... or at its end
      "GET / HTTP/1.1\r\nX-A: bell\x07\r\n\r\n",               // another control byte
      "GET / HTTP/1.1\r\nX-A: del\x7f\r\n\r\n",                // DEL
  };
  for (const char* head : heads) {
    CAPTURE(head);
    Wire wire;
    CHECK(wire.next_of(head) == Outcome::bad_request);
  }
}

TEST_CASE("a NUL inside a header value is a bad request") {
  Wire wire;
  CHECK(wire.next_of(std::string("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 28)) == Outcome::bad_request);
  Wire tab;
  HttpRequest request;
  tab.send("GET / HTTP/1.1\r\nX-A: a\tb\r\n\r\n");
  REQUIRE(tab.next(request) == Outcome::request);
  CHECK(request.header("X-A") == "a\tb");
}

TEST_CASE("a media type is the Content-Type without its parameters") {
  CHECK(media_type("application/json") == "application/json");
  CHECK(media_type(" application/json ; charset=utf-8") == "application/json");
  CHECK(media_type("text/plain; x=application/json") == "text/plain");
  CHECK(media_type("application/json-seq") == "application/json-seq");
  CHECK(media_type("") == "");
}

TEST_CASE("Expect: 100-continue is answered before the body, an unknown expectation with 417") {
  Wire wire;
  wire.send("POST /mcp HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  HttpRequest request;
  std::thread client([&] {
    char interim[64] = {};
    const ssize_t got = recv(wire.client, interim, sizeof interim - 1, 0);
    CHECK(std::string(interim, got > 0 ? static_cast<std::size_t>(got) : 0) == "HTTP/1.1 100 Continue\r\n\r\n");
    wire.send("hello");
  });
  CHECK(wire.next(request) == Outcome::request);
  client.join();
  CHECK(request.body == "hello");

  Wire too_large;  // the refusal comes at once, with no 100 before it
  CHECK(too_large.next_of("POST /mcp HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 9999\r\n\r\n") ==
        Outcome::body_too_large);
  char byte;
  CHECK(recv(too_large.client, &byte, 1, MSG_DONTWAIT) < 0);
  Wire unknown;
  CHECK(unknown.next_of("POST /mcp HTTP/1.1\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx") ==
        Outcome::expectation_failed);
  CHECK(status_for(Outcome::expectation_failed) == 417);
}

TEST_CASE("next_by gives the first byte and the whole head one deadline") {
  SUBCASE("silence ends quietly at the deadline") {
    Wire wire;
    HttpRequest request;
    const auto started = Clock::now();
    CHECK(wire.reader->next_by(request, Clock::now() + 100ms) == Outcome::closed);
    CHECK(Clock::now() - started < 250ms);  // not idle_timeout (300 ms)
  }
  SUBCASE("a head that trickles in past it is a timeout, however fresh its first byte") {
    Wire wire;
    HttpRequest request;
    std::thread client([&] {
      std::this_thread::sleep_for(80ms);
      wire.send("GET / HT");
    });
    const auto started = Clock::now();
    CHECK(wire.reader->next_by(request, Clock::now() + 150ms) == Outcome::timeout);
    CHECK(Clock::now() - started < 280ms);  // not the first byte + header_timeout (380 ms)
    client.join();
  }
}

TEST_CASE("two Content-Length headers that disagree are a bad request") {
  // Framing by one while a proxy in front frames by the other would let a
  // request hide inside another's body.
  Wire wire;
  CHECK(wire.next_of("POST /mcp HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc") == Outcome::bad_request);
  Wire same;
  HttpRequest request;
  same.send("POST /mcp HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
  REQUIRE(same.next(request) == Outcome::request);
  CHECK(request.body == "abc");
}

TEST_CASE("oversized heads are refused with 431, before the whole head is read") {
  SUBCASE("no end in sight") {
    Wire wire;
    wire.send("GET / HTTP/1.1\r\nX-Big: " + std::string(2048, 'a'));
    HttpRequest request;
    CHECK(wire.next(request) == Outcome::headers_too_large);
  }
  SUBCASE("complete but over the cap") {
    Wire wire;
    CHECK(wire.next_of("GET / HTTP/1.1\r\nX-Big: " + std::string(1100, 'a') + "\r\n\r\n") == Outcome::headers_too_large);
  }
  SUBCASE("just under the cap is fine") {
    Wire wire;
    const std::string head = "GET / HTTP/1.1\r\nX-Big: ";
    CHECK(wire.next_of(head + std::string(1024 - head.size(), 'a') + "\r\n\r\n") == Outcome::request);
  }
}

TEST_CASE("a body over the cap is refused with 413 from its declared length") {
  Wire wire;
  // Only the head is sent: the refusal must not wait for 4 KiB that never come.
  CHECK(wire.next_of("POST /mcp HTTP/1.1\r\nContent-Length: 4097\r\n\r\n") == Outcome::body_too_large);
  Wire at_cap;
  at_cap.send("POST /mcp HTTP/1.1\r\nContent-Length: 4096\r\n\r\n");
  at_cap.send(std::string(4096, 'x'));
  HttpRequest request;
  REQUIRE(at_cap.next(request) == Outcome::request);
  CHECK(request.body.size() == 4096);
}

TEST_CASE("chunked bodies are not decoded: 501, never misframed") {
  Wire wire;
  CHECK(wire.next_of("POST /mcp HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n") ==
        Outcome::not_implemented);
  Wire with_length;
  CHECK(with_length.next_of("POST /mcp HTTP/1.1\r\nContent-Length: 5\r\ntransfer-encoding: gzip\r\n\r\nhello") ==
        Outcome::not_implemented);
}

TEST_CASE("each refusal has its status and reason phrase") {
  CHECK(status_for(Outcome::bad_request) == 400);
  CHECK(status_for(Outcome::timeout) == 408);
  CHECK(status_for(Outcome::body_too_large) == 413);
  CHECK(status_for(Outcome::headers_too_large) == 431);
  CHECK(status_for(Outcome::not_implemented) == 501);
  CHECK(reason_phrase(431) == "Request Header Fields Too Large");
  CHECK(reason_phrase(503) == "Service Unavailable");
  CHECK(reason_phrase(299) == "Status");
}

TEST_CASE("iequals compares ASCII case-insensitively, lengths first") {
  CHECK(iequals("Content-Length", "content-length"));
  CHECK_FALSE(iequals("Content-Length", "Content-Lengths"));
  CHECK_FALSE(iequals("abc", "abd"));
  CHECK(iequals("", ""));
}

TEST_CASE("a response head carries its headers, length and connection") {
  const HttpResponse response{503, {{"Content-Type", "application/json"}, {"Retry-After", "1"}}, "{}"};
  CHECK(response_head(response, true, false) ==
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
        "Content-Length: 2\r\nConnection: keep-alive\r\n\r\n");
  CHECK(response_head({200, {}, ""}, false, false) == "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  // A stream ends with the connection, so it declares no length.
  CHECK(response_head({200, {{"Content-Type", "text/event-stream"}}, ""}, false, true) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n");
}
