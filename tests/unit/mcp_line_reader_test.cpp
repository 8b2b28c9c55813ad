// Tests bounded line reading over a pipe: splitting, CRLF, oversized lines, stop.
#include <unistd.h>

#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "mcp/line_reader.h"

using fleetmcp::mcp::LineReader;

namespace {

// A pipe whose write end is fed by a thread, so writes larger than the pipe
// buffer do not block the test.
struct FedPipe {
  int fds[2];
  std::thread feeder;
  explicit FedPipe(std::string data) {
    REQUIRE(pipe(fds) == 0);
    feeder = std::thread([fd = fds[1], data = std::move(data)] {
      for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
      }
      close(fd);
    });
  }
  ~FedPipe() {
    feeder.join();
    close(fds[0]);
  }
};

}  // namespace

TEST_CASE("lines come out one by one, CR stripped, last unterminated line kept") {
  FedPipe input("first\nsecond\r\n\nlast");
  LineReader reader(input.fds[0], -1, 1024);
  std::string line;
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line == "first");
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line == "second");
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line.empty());
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line == "last");
  CHECK(reader.next(line) == LineReader::Status::end_of_input);
}

TEST_CASE("a line over the cap is skipped and the next line reads intact") {
  const std::string huge(5 * 1024 * 1024, 'x');  // far more than one read and than the cap
  FedPipe input("ok\n" + huge + "\nafter\n" + std::string(100, 'y') + "\n");
  LineReader reader(input.fds[0], -1, 100);
  std::string line;
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line == "ok");
  CHECK(reader.next(line) == LineReader::Status::too_long);
  REQUIRE(reader.next(line) == LineReader::Status::line);
  CHECK(line == "after");
  REQUIRE(reader.next(line) == LineReader::Status::line);  // exactly at the cap is allowed
  CHECK(line.size() == 100);
  CHECK(reader.next(line) == LineReader::Status::end_of_input);
}

TEST_CASE("an oversized line cut off by EOF is reported once") {
  FedPipe input(std::string(1000, 'z'));
  LineReader reader(input.fds[0], -1, 10);
  std::string line;
  CHECK(reader.next(line) == LineReader::Status::too_long);
  CHECK(reader.next(line) == LineReader::Status::end_of_input);
}

TEST_CASE("a byte on the stop descriptor ends a blocked read") {
  int input[2], stop[2];
  REQUIRE(pipe(input) == 0);
  REQUIRE(pipe(stop) == 0);
  LineReader reader(input[0], stop[0], 1024);
  REQUIRE(write(stop[1], "x", 1) == 1);
  std::string line;
  CHECK(reader.next(line) == LineReader::Status::stopped);
  for (int fd : {input[0], input[1], stop[0], stop[1]}) close(fd);
}
