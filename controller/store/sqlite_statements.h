#pragma once

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "controller/store/db.h"

namespace ferry::controller::store::sql {

// The prepared statements of one SQLite connection, kept across calls (the store runs a
// few dozen distinct statements, so preparing each once saves most of a short read).
// Not thread-safe: it belongs to one pooled session, used by one lease at a time. Errors
// are thrown as Poco's SQLite exceptions so Db maps them like any other.
class SqliteStatements {
 public:
  explicit SqliteStatements(sqlite3* db) : db_(db) {}
  SqliteStatements(const SqliteStatements&) = delete;
  SqliteStatements& operator=(const SqliteStatements&) = delete;

  std::size_t exec(std::string_view sql, const Params& params);
  Rows query(std::string_view sql, const Params& params);
  void forEach(std::string_view sql, const Params& params,
               const std::function<void(const RowView&)>& row);

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

  // Prepares (or finds) `sql`, binds `params` and steps through it, calling onRow(stmt) for
  // each row while holding the connection's mutex: that makes the column values
  // "protected", so they are read with one sqlite3_column_value call per cell. The
  // statement is reset whatever happens.
  template <typename OnRow>
  void run(std::string_view sql, const Params& params, OnRow&& onRow);
  sqlite3_stmt* prepared(std::string_view sql);
  void bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql);
  [[noreturn]] void fail(int rc, std::string_view sql);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, Statement, Hash, std::equal_to<>> cache_;
};

}  // namespace ferry::controller::store::sql
