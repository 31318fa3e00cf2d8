#pragma once

#include <Poco/Data/Session.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status/result.h"
#include "controller/store/store_url.h"

struct sqlite3_stmt;

// The store's only contact with Poco::Data: pooled sessions, transactions, bound
// statements, and Poco exceptions turned into Status. Internal to controller/store.
namespace ferry::controller::store::sql {

using Value = std::variant<std::int64_t, std::string>;
using Params = std::vector<Value>;

// One value of a result: NULL, an integer, a real or text (blobs read as text).
using Cell = std::variant<std::monostate, std::int64_t, double, std::string>;

// A query's result, read whole (store reads are bounded by a page size).
class Rows {
 public:
  class Row {
   public:
    Row(const Rows& rows, std::size_t index) : rows_(rows), index_(index) {}
    std::string text(std::size_t col) const;
    std::int64_t integer(std::size_t col) const;
    // The cell's text when it holds text, else null.
    const std::string* textCell(std::size_t col) const {
      return std::get_if<std::string>(&cell(col));
    }

   private:
    const Cell& cell(std::size_t col) const { return rows_.cells[index_ * rows_.columns + col]; }
    const Rows& rows_;
    std::size_t index_;
  };

  std::size_t size() const { return columns == 0 ? 0 : cells.size() / columns; }
  bool empty() const { return cells.empty(); }
  Row operator[](std::size_t i) const { return Row(*this, i); }

  std::size_t columns = 0;
  std::vector<Cell> cells;  // row-major
};

class SqliteStatements;

// The current row of a query read in place (Conn::forEach), valid during the callback.
class RowView {
 public:
  explicit RowView(sqlite3_stmt* stmt) : stmt_(stmt) {}
  explicit RowView(const Rows::Row& row) : row_(&row) {}
  std::string text(std::size_t col) const;
  // The text without a copy, valid during the callback (NULL reads as "").
  std::string_view textView(std::size_t col) const;
  std::int64_t integer(std::size_t col) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;    // SQLite: read straight from the statement
  const Rows::Row* row_ = nullptr;  // otherwise
  // textView of a non-text cell of row_ (a list: stable, and free to construct per row)
  mutable std::list<std::string> rendered_;
};

// One session inside a transaction (or, for reads, outside one). Statements use `?`
// placeholders (rendered per backend) and bind every value. Throws Poco exceptions;
// Db::write/read catch them at the edge.
//
// On SQLite, statements run on the session's sqlite3 handle and stay prepared in the
// session's cache (`sqlite`), and cells are read straight from sqlite3_column_*: Poco's
// per-call prepare and per-value Dynamic::Var extraction cost more than the queries
// themselves (decision 0005). On PostgreSQL each call prepares its statement afresh through
// Poco: re-executing a Poco 1.11 PostgreSQL statement after it failed frees its result
// twice (clearResults leaves the pointer dangling, so the destructor aborts the process).
class Conn {
 public:
  Conn(Poco::Data::Session& session, Backend backend, SqliteStatements* sqlite)
      : session_(session), backend_(backend), sqlite_(sqlite) {}
  Backend backend() const { return backend_; }
  // Returns the number of rows changed.
  std::size_t exec(std::string_view sql, Params params = {});
  Rows query(std::string_view sql, Params params = {});
  // Calls `row` for each row without collecting them first (for reads that are turned into
  // records at once: on SQLite, each text is copied once instead of three times).
  void forEach(std::string_view sql, Params params, const std::function<void(const RowView&)>& row);
  // The first column of the first row, or `fallback` when there is no row.
  std::int64_t queryInt(std::string_view sql, Params params, std::int64_t fallback);

 private:
  Poco::Data::Session& session_;
  Backend backend_;
  SqliteStatements* sqlite_;  // SQLite only
};

// A session and, on SQLite, its prepared statements (declared after the session, so they
// are finalized before it closes).
struct PooledSession {
  std::unique_ptr<Poco::Data::Session> session;
  std::unique_ptr<SqliteStatements> sqlite;
  PooledSession(std::unique_ptr<Poco::Data::Session> s, bool isSqlite);
  ~PooledSession();
};

// A bounded set of sessions made on demand. A session that lost its connection is
// discarded instead of returned, and so are the idle ones (they likely died with it).
class SessionPool {
 public:
  using Factory = std::function<std::unique_ptr<Poco::Data::Session>()>;
  SessionPool(Factory factory, std::size_t max, bool isSqlite)
      : factory_(std::move(factory)), max_(max), sqlite_(isSqlite) {}

  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<PooledSession> session)
        : pool_(pool), session_(std::move(session)) {}
    Lease(Lease&&) = default;
    ~Lease();
    Poco::Data::Session& session() { return *session_->session; }
    SqliteStatements* sqliteStatements() { return session_->sqlite.get(); }
    void discard() { discard_ = true; }

   private:
    SessionPool& pool_;
    std::unique_ptr<PooledSession> session_;
    bool discard_ = false;
  };

  // Blocks while `max` sessions are leased. Throws what the factory throws.
  Lease acquire();
  void discardIdle();

 private:
  void release(std::unique_ptr<PooledSession> session, bool discard);

  Factory factory_;
  std::size_t max_;
  bool sqlite_;
  std::mutex mu_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<PooledSession>> idle_;  // guarded by mu_
  std::size_t leased_ = 0;                            // guarded by mu_
};

// The database behind the store. SQLite: one writer session (every write goes through
// it, so writers never starve each other on the busy timeout) and a pool of query-only
// readers, all in WAL mode. PostgreSQL: one pool for both.
class Db {
 public:
  static Result<std::unique_ptr<Db>> open(const StoreLocation& location,
                                          const std::string& password, int maxSessions);
  Backend backend() const { return backend_; }

  // Runs `work` in a transaction that commits when it returns ok and rolls back otherwise.
  // `what` names the operation in error messages.
  Status write(std::string_view what, const std::function<Status(Conn&)>& work);
  // Runs `work` without a transaction (single-statement reads).
  Status read(std::string_view what, const std::function<Status(Conn&)>& work);

  // Use open().
  Db(Backend backend, std::unique_ptr<SessionPool> writers, std::unique_ptr<SessionPool> readers)
      : backend_(backend), writers_(std::move(writers)), readers_(std::move(readers)) {}

 private:
  Status run(SessionPool& pool, std::string_view what, bool transaction,
             const std::function<Status(Conn&)>& work);

  Backend backend_;
  std::unique_ptr<SessionPool> writers_;
  std::unique_ptr<SessionPool> readers_;  // null for PostgreSQL: writers_ serves reads
};

// What a Poco exception means for the caller (status.h codes).
Status statusFromException(const Poco::Exception& e, Backend backend, bool connectionLost,
                           std::string_view what);

}  // namespace ferry::controller::store::sql
