#include "controller/store/sqlite_statements.h"

#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>

#include <cctype>

namespace ferry::controller::store::sql {

namespace {

// Statements built from filters (one per combination) and IN lists of varying length can
// add up; past this many the cache starts over rather than grow without bound.
constexpr std::size_t kMaxCached = 256;

// Leaves a statement ready for its next use whatever happens while it runs.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* s) : stmt_(s) {}
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

class DbMutex {
 public:
  explicit DbMutex(sqlite3* db) : mu_(sqlite3_db_mutex(db)) { sqlite3_mutex_enter(mu_); }
  ~DbMutex() { sqlite3_mutex_leave(mu_); }
  DbMutex(const DbMutex&) = delete;
  DbMutex& operator=(const DbMutex&) = delete;

 private:
  sqlite3_mutex* mu_;  // null when SQLite was built without mutexes: enter/leave are no-ops
};

bool onlySpace(const char* p) {
  for (; p != nullptr && *p != '\0'; ++p) {
    if (std::isspace(static_cast<unsigned char>(*p)) == 0 && *p != ';') return false;
  }
  return true;
}

}  // namespace

void SqliteStatements::fail(int rc, std::string_view sql) {
  // Extended codes (SQLITE_BUSY_SNAPSHOT…) map like their primary code.
  Poco::Data::SQLite::Utility::throwException(db_, rc & 0xff, std::string(sql));
  throw Poco::Data::SQLite::SQLiteException("SQLite answered " + std::to_string(rc),
                                            std::string(sql));
}

sqlite3_stmt* SqliteStatements::prepared(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second.get();
  if (cache_.size() >= kMaxCached) cache_.clear();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &raw, &tail);
  Statement stmt(raw);
  if (rc != SQLITE_OK) fail(rc, sql);
  if (!stmt) {
    throw Poco::Data::SQLite::InvalidSQLStatementException("empty statement", std::string(sql));
  }
  if (tail != sql.data() + sql.size() && !onlySpace(tail)) {
    throw Poco::Data::SQLite::InvalidSQLStatementException("one statement per call",
                                                           std::string(sql));
  }
  return cache_.emplace(std::string(sql), std::move(stmt)).first->second.get();
}

void SqliteStatements::bind(sqlite3_stmt* stmt, const Params& params, std::string_view sql) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    throw Poco::Data::SQLite::InvalidSQLStatementException(
        std::to_string(params.size()) + " values for " +
            std::to_string(sqlite3_bind_parameter_count(stmt)) + " placeholders",
        std::string(sql));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int at = static_cast<int>(i) + 1;
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<std::int64_t>(&params[i])) {
      rc = sqlite3_bind_int64(stmt, at, *n);
    } else {
      const auto& text = std::get<std::string>(params[i]);
      // The values outlive the statement's use: it is reset before this call returns.
      rc = sqlite3_bind_text(stmt, at, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) fail(rc, sql);
  }
}

template <typename OnRow>
void SqliteStatements::run(std::string_view sql, const Params& params, OnRow&& onRow) {
  sqlite3_stmt* stmt = prepared(sql);
  ResetOnExit reset(stmt);
  bind(stmt, params, sql);
  DbMutex hold(db_);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) onRow(stmt);
  if (rc != SQLITE_DONE) fail(rc, sql);
}

std::size_t SqliteStatements::exec(std::string_view sql, const Params& params) {
  run(sql, params, [](sqlite3_stmt*) {});
  return static_cast<std::size_t>(sqlite3_changes64(db_));
}

void SqliteStatements::forEach(std::string_view sql, const Params& params,
                               const std::function<void(const RowView&)>& row) {
  run(sql, params, [&](sqlite3_stmt* stmt) { row(RowView(stmt)); });
}

Rows SqliteStatements::query(std::string_view sql, const Params& params) {
  Rows out;
  run(sql, params, [&](sqlite3_stmt* stmt) {
    out.columns = static_cast<std::size_t>(sqlite3_column_count(stmt));
    for (int c = 0; c < static_cast<int>(out.columns); ++c) {
      sqlite3_value* v = sqlite3_column_value(stmt, c);
      switch (sqlite3_value_type(v)) {
        case SQLITE_NULL: out.cells.emplace_back(std::monostate{}); break;
        case SQLITE_INTEGER: out.cells.emplace_back(std::int64_t{sqlite3_value_int64(v)}); break;
        case SQLITE_FLOAT: out.cells.emplace_back(sqlite3_value_double(v)); break;
        default: {
          const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
          const int n = sqlite3_value_bytes(v);
          out.cells.emplace_back(std::string(p == nullptr ? "" : p, static_cast<std::size_t>(n)));
        }
      }
    }
  });
  return out;
}

}  // namespace ferry::controller::store::sql
