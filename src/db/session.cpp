#include "db/session.h"

#include <poll.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

namespace fleetmcp::db {

Session::Session(std::string dsn, SessionDefaults defaults) : dsn_(std::move(dsn)), defaults_(std::move(defaults)) {}

Session::~Session() {
  if (warm_up_.joinable()) warm_up_.join();
}

void Session::connect_in_background() {
  if (dsn_.empty() || warm_up_.joinable()) return;
  connecting_ = true;
  warm_up_ = std::thread([this] {
    try {
      connection();
    } catch (const std::exception& failure) {
      spdlog::debug("background connect failed (the first call will retry): {}", failure.what());
    }
    connecting_ = false;
  });
}

std::string Session::masked_dsn() const { return mask_password(dsn_); }

void Session::wait_for_background_connect(std::chrono::milliseconds limit) const {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (connecting_ && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

DatabaseFacts Session::facts() const {
  std::lock_guard lock{facts_mutex_};
  return facts_;
}

pqxx::connection& Session::connection() {
  std::lock_guard lock{connection_mutex_};
  if (connection_ && connection_->is_open()) return *connection_;
  connection_.reset();
  libpq_connection_ = nullptr;
  if (dsn_.empty())
    throw DatabaseUnavailable(
        "DATABASE_URL is not set. fleetmcp needs the analytics_ro DSN, e.g. "
        "postgresql://analytics_ro:PASSWORD@localhost:15432/tracksolid_db (run `fleetmcp doctor` to check it).");
  std::map<std::string, std::string> params;
  try {
    params = connection_parameters(dsn_, defaults_);
  } catch (const std::invalid_argument& bad) {
    throw DatabaseUnavailable(bad.what());
  }
  auto started = std::chrono::steady_clock::now();
  try {
    connection_ = open_connection(params);
    libpq_connection_ = libpq_handle(*connection_);
  } catch (const DatabaseUnavailable&) {
    throw;
  } catch (const std::exception& failure) {
    throw DatabaseUnavailable("cannot connect to the database (" + mask_password(dsn_) + "): " +
                              libpq_message(failure.what()));
  }
  // Under the lock, so no call uses the connection before its facts are known.
  DatabaseFacts facts;
  try {
    facts = read_database_facts(*connection_, defaults_.time_zone);
  } catch (const UnknownTimeZone& bad) {
    spdlog::error("{}", bad.what());
    connection_.reset();
    libpq_connection_ = nullptr;
    throw DatabaseUnavailable(bad.what());
  } catch (const std::exception& failure) {
    connection_.reset();
    libpq_connection_ = nullptr;
    throw DatabaseUnavailable(std::string{"connected, but could not read the server's settings: "} + failure.what());
  }
  {
    std::lock_guard facts_lock{facts_mutex_};
    facts_ = facts;
  }
  spdlog::info("connected to {} as {} in {} ms (server {}{}, time zone {})", mask_password(dsn_),
               connection_->username(),
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count(),
               connection_->server_version(),
               facts.has_timescaledb() ? ", TimescaleDB " + facts.timescaledb_version : std::string{},
               facts.time_zone);
  return *connection_;
}

// A non-blocking connect, so a cancelled call (or the end of the session)
// does not wait for a database that accepts TCP but never answers.
std::unique_ptr<pqxx::connection> Session::open_connection(const std::map<std::string, std::string>& params) {
  const auto limit = std::chrono::seconds(defaults_.connect_timeout_s);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  pqxx::connecting attempt{conninfo_string(params)};
  while (!attempt.done()) {
    if (call_cancelled_) throw DatabaseUnavailable("the connection attempt was cancelled");
    if (std::chrono::steady_clock::now() > deadline)
      throw DatabaseUnavailable("cannot connect to the database (" + mask_password(dsn_) + "): no answer within " +
                                std::to_string(defaults_.connect_timeout_s) + " s (MCP_CONNECT_TIMEOUT)");
    pollfd socket{attempt.sock(), static_cast<short>(attempt.wait_to_write() ? POLLOUT : POLLIN), 0};
    ::poll(&socket, 1, 100);
    attempt.process();
  }
  return std::make_unique<pqxx::connection>(std::move(attempt).produce());
}

// libpqxx keeps libpq's handle to itself; handing it over and taking it back
// (both public, if discouraged) is the one way to learn it. The connection
// is fresh: no transaction, error handler or listener that a move would lose.
PGconn* Session::libpq_handle(pqxx::connection& connection) {
  PGconn* handle = std::move(connection).release_raw_connection();
  connection = pqxx::connection::seize_raw_connection(handle);
  return handle;
}

void Session::begin(pqxx::nontransaction& tx, int timeout_s) {
  // One round trip: the simple protocol carries all four statements. The
  // SELECT takes the transaction's snapshot; from then on PostgreSQL refuses
  // SET TRANSACTION READ WRITE, so the transaction cannot be switched back.
  // SET LOCAL TimeZone: whatever a statement did to the session's zone, each
  // call starts in the configured one (checked when the connection was made).
  std::string zone;
  if (!defaults_.time_zone.empty()) zone = "SET LOCAL TimeZone = " + tx.quote(defaults_.time_zone) + "; ";
  tx.exec("BEGIN READ ONLY; SET LOCAL statement_timeout = '" + std::to_string(timeout_s) +
          "s'; " + zone + "SELECT 1");
}

void Session::end(pqxx::nontransaction& tx) noexcept {
  // Always roll back. Session-level advisory locks are the one thing a read-only
  // SELECT can leave behind past a rollback, so release them in the same trip.
  try {
    tx.exec("ROLLBACK; SELECT pg_advisory_unlock_all()");
  } catch (const std::exception& failure) {
    spdlog::warn("rollback failed, dropping the connection: {}", failure.what());
    // A session we could not reset must not serve the next call.
    try {
      tx.conn().close();
    } catch (...) {
    }
  }
}

void Session::drop_connection() {
  std::lock_guard lock{connection_mutex_};
  connection_.reset();
  libpq_connection_ = nullptr;
}

void Session::abandon_unresponsive_connection() {
  // Shutting the socket down wakes the worker blocked reading it; closing it
  // here would race with the worker's own use of the connection.
  std::lock_guard lock{connection_mutex_};
  if (connection_) ::shutdown(connection_->sock(), SHUT_RDWR);
}

void Session::throw_unanswered(int timeout_s, const std::exception& lost) {
  spdlog::warn("the database did not answer within {} s; connection dropped ({})", timeout_s + kUnansweredGrace_s,
               lost.what());
  throw DatabaseUnavailable("no answer from the database within " + std::to_string(timeout_s + kUnansweredGrace_s) +
                            " s (statement timeout " + std::to_string(timeout_s) + " s + " +
                            std::to_string(kUnansweredGrace_s) +
                            " s grace): the database is frozen or overloaded; the connection was dropped and the "
                            "next call reconnects.");
}

void Session::cancel_running_query() {
  // try_lock: while the worker is still connecting there is nothing to cancel,
  // and the caller (the protocol reader) must never wait on a connect.
  call_cancelled_ = true;
  std::unique_lock lock{connection_mutex_, std::try_to_lock};
  if (!lock.owns_lock() || !connection_) return;
  try {
    connection_->cancel_query();
  } catch (const std::exception& failure) {
    spdlog::warn("cancel request failed: {}", failure.what());
  }
}

}  // namespace fleetmcp::db
