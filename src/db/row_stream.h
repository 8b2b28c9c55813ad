// One statement run once with the extended protocol in libpq's single-row
// mode. The server executes it with no portal row limit, so PostgreSQL may
// plan it in parallel (a cursor, or an Execute with a row limit, never is);
// its rows arrive one PGresult at a time, so what is held is one row, not a
// batch, whatever the row width.
#pragma once

#include <libpq-fe.h>

#include <optional>
#include <string>
#include <vector>

namespace fleetmcp::db {

class RowStream {
 public:
  // Sends the statement (text parameters $1..$n, nullopt = NULL). Throws
  // pqxx::broken_connection when it cannot be sent.
  RowStream(PGconn* connection, const std::string& statement, const std::vector<std::optional<std::string>>& params);
  // A stream not read to its end is stopped: the connection is idle again.
  ~RowStream();
  RowStream(const RowStream&) = delete;
  RowStream& operator=(const RowStream&) = delete;

  // The next row, as a one-row result (PQgetvalue(row, 0, column)), valid
  // until the next call; nullptr after the last. The statement's error is
  // thrown as libpqxx would throw it (pqxx::sql_error with its SQLSTATE,
  // protocol_violation for 08P01, broken_connection for a lost connection),
  // once the connection is idle again.
  const PGresult* next();

  // The columns of a statement that returned no rows: its final, empty
  // result (nullptr until next() has returned nullptr).
  const PGresult* empty_result() const { return last_; }

  // The rows still coming are not wanted: asks the server to cancel the
  // statement and discards what it had already sent. Never throws.
  void stop() noexcept;

 private:
  [[noreturn]] void throw_error(PGresult* failed);
  void drain() noexcept;

  PGconn* connection_;
  std::string statement_;  // for the exception, as libpqxx keeps it
  PGresult* current_ = nullptr;
  PGresult* last_ = nullptr;
  bool finished_ = false;
};

}  // namespace fleetmcp::db
