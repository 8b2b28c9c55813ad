// One read-only database session: connects on first use, runs work inside a
// READ ONLY transaction that is always rolled back, reconnects once when the
// connection was lost, and can be cancelled from another thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include <libpq-fe.h>
#include <pqxx/pqxx>

#include "db/connection_options.h"
#include "db/database_facts.h"
#include "db/deadline_watchdog.h"

namespace fleetmcp::db {

// The database cannot be reached (no DSN, bad DSN, refused, auth failed…).
// The message is written for the analyst and never contains the password.
struct DatabaseUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The call was cancelled before this statement reached the database.
struct CallCancelled : DatabaseUnavailable {
  CallCancelled() : DatabaseUnavailable("the call was cancelled") {}
};

class Session {
 public:
  // Beyond the statement timeout, how long a silent server is waited for.
  static constexpr int kUnansweredGrace_s = 5;

  Session(std::string dsn, SessionDefaults defaults);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `work(tx)` between BEGIN READ ONLY (with a local statement_timeout of
  // `timeout_s`) and ROLLBACK. A connection found broken is replaced and the
  // work runs once more: it is read-only, so running it again is safe. A
  // protocol violation (08P01) is the statement's fault and is rethrown.
  template <typename Work>
  auto read_only(int timeout_s, Work&& work) -> decltype(work(std::declval<pqxx::nontransaction&>()));

  // Asks the server to cancel whatever this session is running, and makes
  // every later read_only() of the same call throw CallCancelled: a call runs
  // several statements, and a cancel landing between two of them must not be
  // lost. Any thread; safe to repeat.
  void cancel_running_query();

  // A new call begins: a cancel meant for the previous one no longer applies.
  void start_call() noexcept { call_cancelled_ = false; }

  // Opens the connection now if there is none (throws DatabaseUnavailable).
  pqxx::connection& connection();

  // libpq's handle of the open connection, for what libpqxx does not offer
  // (single-row mode, db/row_stream.h). Use it only inside read_only()'s
  // work, between libpqxx's own statements, never from another thread.
  PGconn* libpq_connection() const { return libpq_connection_; }

  // Starts connecting on a background thread, so the first tool call does not
  // pay for the connect while the client's handshake needs no database at all.
  // A failure is only logged: the first call tries again and reports it.
  void connect_in_background();

  // True while that background connect is still under way.
  bool still_connecting() const { return connecting_.load(); }

  // Waits up to `limit` for the background connect to end (either way).
  void wait_for_background_connect(std::chrono::milliseconds limit) const;

  // What the last connection learned about the database (facts.known is
  // false before the first connection). Any thread.
  DatabaseFacts facts() const;

  std::string masked_dsn() const;

 private:
  void begin(pqxx::nontransaction& tx, int timeout_s);
  void end(pqxx::nontransaction& tx) noexcept;
  void drop_connection();
  void abandon_unresponsive_connection();
  [[noreturn]] void throw_unanswered(int timeout_s, const std::exception& lost);
  std::unique_ptr<pqxx::connection> open_connection(const std::map<std::string, std::string>& params);
  static PGconn* libpq_handle(pqxx::connection& connection);

  std::string dsn_;
  SessionDefaults defaults_;
  mutable std::mutex connection_mutex_;  // guards connection_ against cancel from other threads
  std::unique_ptr<pqxx::connection> connection_;
  PGconn* libpq_connection_ = nullptr;  // connection_'s own handle; it owns it
  // Read on each new connection; its own mutex, since connection_mutex_ is
  // held for a whole connect.
  mutable std::mutex facts_mutex_;
  DatabaseFacts facts_;
  std::thread warm_up_;
  std::atomic<bool> connecting_{false};
  // Set by cancel until start_call(): a connect in progress gives up, and the
  // call's later statements are not sent.
  std::atomic<bool> call_cancelled_{false};
  DeadlineWatchdog watchdog_{[this] { abandon_unresponsive_connection(); }};
};

template <typename Work>
auto Session::read_only(int timeout_s, Work&& work) -> decltype(work(std::declval<pqxx::nontransaction&>())) {
  for (int attempt = 0;; ++attempt) {
    if (call_cancelled_) throw CallCancelled{};
    pqxx::connection& conn = connection();
    // A server that stopped running cannot enforce its statement_timeout.
    watchdog_.arm(std::chrono::seconds(timeout_s + kUnansweredGrace_s));
    struct DisarmOnExit {
      DeadlineWatchdog& watchdog;
      ~DisarmOnExit() { watchdog.disarm(); }
    } disarm{watchdog_};
    try {
      pqxx::nontransaction tx{conn};
      begin(tx, timeout_s);
      struct RollbackOnExit {
        Session& session;
        pqxx::nontransaction& tx;
        ~RollbackOnExit() { session.end(tx); }
      } rollback{*this, tx};
      if (call_cancelled_) throw CallCancelled{};  // it came while BEGIN was on its way
      return work(tx);
    } catch (const pqxx::protocol_violation&) {
      // libpqxx files 08P01 (e.g. a bind parameter count that does not match
      // the statement's $n) under broken_connection, but the connection is
      // fine and running the same work again fails the same way.
      throw;
    } catch (const pqxx::broken_connection& lost) {
      drop_connection();
      if (watchdog_.fired()) throw_unanswered(timeout_s, lost);
      if (attempt > 0)
        throw DatabaseUnavailable(std::string{"lost the database connection and could not get it back: "} +
                                  lost.what());
    }
  }
}

}  // namespace fleetmcp::db
