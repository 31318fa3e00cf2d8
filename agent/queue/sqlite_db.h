#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status/result.h"

namespace ferry::agent::queue {

// Maps an SQLite result code to what the caller should do: BUSY/LOCKED → retry
// (kUnavailable), FULL → kResourceExhausted, CORRUPT/NOTADB → kDataLoss, else kInternal.
Status sqliteStatus(int rc, sqlite3* db, std::string_view what);

// A prepared statement, reset after each use; owned by one connection.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  ~Statement();

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bindBlob(int index, std::string_view bytes);
  Statement& bindNull(int index);
  // SQLITE_ROW → true, SQLITE_DONE → false; anything else → error.
  Result<bool> step();
  Status run();  // step to completion, then reset
  void reset();
  std::int64_t columnInt(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string_view columnText(int i) const;
  bool columnIsNull(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// One SQLite connection (RAII). Not thread-safe: guard it with the owner's lock.
class Connection {
 public:
  // Opens `path` (creating it when `create`), in WAL mode with the given `synchronous`
  // (FULL or NORMAL), foreign keys on, a busy timeout. Errors name the file. A file created
  // by this call gets `newPageSize` bytes per page (0: SQLite's default, 4 KiB).
  static Result<std::unique_ptr<Connection>> open(const std::string& path, bool create,
                                                  const std::string& synchronous,
                                                  bool readOnly = false, int newPageSize = 0);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  explicit Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

 private:
  sqlite3* db_;
  std::string path_;
};

// An immediate (write) transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) {}
  Status begin() { return c_.exec("BEGIN IMMEDIATE"); }
  Status commit() {
    Status st = c_.exec("COMMIT");
    if (st.isOk()) done_ = true;
    return st;
  }
  ~Transaction() {
    if (!done_) (void)c_.exec("ROLLBACK");
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// A random RFC 4122 version-4 UUID from the system's CSPRNG.
Result<std::string> randomUuid();

}  // namespace ferry::agent::queue
