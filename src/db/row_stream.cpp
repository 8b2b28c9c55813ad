#include "db/row_stream.h"

#include <memory>

#include <pqxx/except>

#include "db/connection_options.h"

namespace fleetmcp::db {

RowStream::RowStream(PGconn* connection, const std::string& statement,
                     const std::vector<std::optional<std::string>>& params)
    : connection_(connection), statement_(statement) {
  if (connection_ == nullptr) throw pqxx::broken_connection("no database connection");
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  // Text parameters of unknown type, as libpqxx sends them: the server infers each from its use.
  if (PQsendQueryParams(connection_, statement.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        nullptr, nullptr, 0) == 0) {
    finished_ = true;
    std::string reason = libpq_message(PQerrorMessage(connection_));
    if (PQstatus(connection_) == CONNECTION_BAD) throw pqxx::broken_connection(reason);
    throw pqxx::sql_error(reason, statement_);
  }
  // Right after the send, before any result is read: it cannot fail here.
  PQsetSingleRowMode(connection_);
}

RowStream::~RowStream() {
  if (!finished_) stop();
  PQclear(current_);
  PQclear(last_);
}

const PGresult* RowStream::next() {
  PQclear(current_);
  current_ = nullptr;
  if (finished_) return nullptr;
  PGresult* result = PQgetResult(connection_);
  if (result == nullptr) {
    finished_ = true;
    return nullptr;
  }
  switch (PQresultStatus(result)) {
    case PGRES_SINGLE_TUPLE:
      current_ = result;
      return current_;
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      // The end: an empty result that still describes the columns.
      last_ = result;
      drain();
      return nullptr;
    default:
      throw_error(result);
  }
}

void RowStream::throw_error(PGresult* failed) {
  std::unique_ptr<PGresult, decltype(&PQclear)> owned{failed, &PQclear};
  const char* state = PQresultErrorField(failed, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state == nullptr ? "" : state;
  std::string message = PQresultErrorMessage(failed);
  if (message.empty()) message = PQerrorMessage(connection_);
  drain();
  if (PQstatus(connection_) == CONNECTION_BAD) throw pqxx::broken_connection(libpq_message(message));
  // libpqxx files a protocol violation (a bind parameter count that does not
  // match the statement's $n) under broken_connection; Session and the
  // toolbox tell it from a lost connection by this class.
  if (sqlstate == "08P01") throw pqxx::protocol_violation(message);
  throw pqxx::sql_error(message, statement_, sqlstate.empty() ? nullptr : sqlstate.c_str());
}

void RowStream::stop() noexcept {
  if (finished_) return;
  // Cancelling is quicker than receiving what the server would still send
  // (up to max_rows + 1 rows of any width). The cancel request has reached
  // the server's process before PQcancel returns, and nothing else is sent
  // until this statement's results are read, so it cannot hit the next one;
  // a statement that ended meanwhile ignores it.
  if (PGcancel* cancel = PQgetCancel(connection_)) {
    char reason[256];
    PQcancel(cancel, reason, sizeof reason);
    PQfreeCancel(cancel);
  }
  drain();
}

void RowStream::drain() noexcept {
  while (PGresult* rest = PQgetResult(connection_)) PQclear(rest);
  finished_ = true;
}

}  // namespace fleetmcp::db
