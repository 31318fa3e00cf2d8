#include <sqlite3.h>
#include <unistd.h>

#include "agent/connectors/sql/sql_connector.h"
#include "agent/connectors/sql/sql_values.h"
#include "agent/connectors/sqlite/sqlite_connector.h"

namespace ferry::agent::connectors {

namespace {

using sql::Params;

Status sqliteStatus(sqlite3* db, int rc, const std::string& what) {
  std::string message =
      "sqlite: " + what + ": " + sqlite3_errmsg(db) + " (" + sqlite3_errstr(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE: return Status::invalidArgument(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_PROTOCOL: return Status::unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::dataLoss(std::move(message));
    case SQLITE_INTERRUPT: return Status::cancelled(std::move(message));
    default: return Status::failedPrecondition(std::move(message));
  }
}

// A prepared statement that finalizes itself.
struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Result<StmtPtr> prepare(sqlite3* db, const std::string& sql, const Params& params) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return sqliteStatus(db, rc, "preparing a statement");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& v = params[i];
    const int index = static_cast<int>(i) + 1;
    if (v.is_null()) {
      rc = sqlite3_bind_null(raw, index);
    } else if (v.is_boolean()) {
      rc = sqlite3_bind_int(raw, index, v.get<bool>() ? 1 : 0);
    } else if (v.is_number_unsigned() &&
               v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      const std::string text = v.dump();
      rc = sqlite3_bind_text(raw, index, text.c_str(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
    } else if (v.is_number_integer()) {
      rc = sqlite3_bind_int64(raw, index, v.get<std::int64_t>());
    } else if (v.is_number_float()) {
      rc = sqlite3_bind_double(raw, index, v.get<double>());
    } else {
      const std::string text = sql::bindText(v);
      rc = sqlite3_bind_text(raw, index, text.c_str(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return sqliteStatus(db, rc, "binding parameter " + std::to_string(index));
  }
  return stmt;
}

class SqliteCursor final : public sql::RowCursor {
 public:
  SqliteCursor(sqlite3* db, StmtPtr stmt)
      : db_(db), stmt_(std::move(stmt)), shape_(columnNames(stmt_.get())) {
    const int n = sqlite3_column_count(stmt_.get());
    for (int c = 0; c < n; ++c) {
      const char* decl = sqlite3_column_decltype(stmt_.get(), c);
      std::string type = decl ? decl : "";
      for (auto& ch : type) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      boolean_.push_back(type.find("BOOL") != std::string::npos);
    }
  }

  Result<bool> fetch(std::size_t max, std::vector<ferry::Json>& out) override {
    for (std::size_t i = 0; i < max; ++i) {
      if (done_) return false;
      int rc = sqlite3_step(stmt_.get());
      if (rc == SQLITE_DONE) {
        done_ = true;
        return false;
      }
      if (rc != SQLITE_ROW) return sqliteStatus(db_, rc, "reading a row");
      out.push_back(shape_.build([&](std::size_t c) { return value(static_cast<int>(c)); }));
    }
    return true;
  }

 private:
  static std::vector<std::string> columnNames(sqlite3_stmt* stmt) {
    std::vector<std::string> names;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c)
      names.emplace_back(sqlite3_column_name(stmt, c));
    return names;
  }

  ferry::Json value(int c) const {
    sqlite3_stmt* s = stmt_.get();
    switch (sqlite3_column_type(s, c)) {
      case SQLITE_NULL: return nullptr;
      case SQLITE_INTEGER: {
        const sqlite3_int64 v = sqlite3_column_int64(s, c);
        if (boolean_[static_cast<std::size_t>(c)] && (v == 0 || v == 1)) return v == 1;
        return static_cast<std::int64_t>(v);
      }
      case SQLITE_FLOAT: return sql::numberOrText(sqlite3_column_double(s, c));
      case SQLITE_BLOB: {
        const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(s, c));
        const int size = sqlite3_column_bytes(s, c);
        return sql::base64(data, static_cast<std::size_t>(size));
      }
      default: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, c));
        return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, c)));
      }
    }
  }

  sqlite3* db_;
  StmtPtr stmt_;
  sql::RecordShape shape_;
  std::vector<bool> boolean_;
  bool done_ = false;
};

class SqliteDriver final : public sql::SqlDriver {
 public:
  explicit SqliteDriver(const ferry::Json& settings)
      : path_(settings.value("path", std::string())),
        busyTimeoutMs_(settings.value("busyTimeoutMs", 5000)) {}

  Status open() {
    sqlite3* db = nullptr;
    // NOMUTEX: a connector instance is used by one thread at a time (connector.h), so the
    // connection's own mutex, taken by every sqlite3_column_* call, only costs time (3 % of
    // a flow's CPU reading an SQLite export).
    const int rc = sqlite3_open_v2(
        path_.c_str(), &db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
        nullptr);
    handle_.reset(db);  // SQLite hands out a handle to close even when opening failed
    if (rc != SQLITE_OK) {
      return Status::failedPrecondition("sqlite: cannot open " + path_ + ": " +
                                        (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    }
    db_ = db;
    sqlite3_busy_timeout(db_, busyTimeoutMs_);
    return Status::ok();
  }

  std::string_view engine() const override { return "sqlite"; }
  std::string placeholder(std::size_t) const override { return "?"; }
  std::string quoteIdentifier(std::string_view part) const override {
    return sql::doubleQuoted(part);
  }
  sql::UpsertStyle upsertStyle() const override { return sql::UpsertStyle::kOnConflict; }
  std::size_t maxParameters() const override {
    return static_cast<std::size_t>(sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1));
  }

  // IMMEDIATE takes the write lock up front: two writers never deadlock upgrading a read.
  Status begin() override { return execute("BEGIN IMMEDIATE", {}).status(); }
  Status commit() override { return execute("COMMIT", {}).status(); }
  Status rollback() override {
    if (sqlite3_get_autocommit(db_)) return Status::ok();
    return execute("ROLLBACK", {}).status();
  }
  Status reconnect() override {
    db_ = nullptr;
    handle_.reset();
    return open();
  }

  Result<std::int64_t> execute(const std::string& sql, const Params& params) override {
    auto stmt = prepare(db_, sql, params);
    if (!stmt.isOk()) return stmt.status();
    int rc;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return sqliteStatus(db_, rc, "running a statement");
    return static_cast<std::int64_t>(sqlite3_changes(db_));
  }

  Result<std::unique_ptr<sql::RowCursor>> query(const std::string& sql, const Params& params,
                                                std::size_t) override {
    auto stmt = prepare(db_, sql, params);
    if (!stmt.isOk()) return stmt.status();
    return std::unique_ptr<sql::RowCursor>(std::make_unique<SqliteCursor>(db_, std::move(*stmt)));
  }

 private:
  std::string path_;
  int busyTimeoutMs_;
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> handle_;
  sqlite3* db_ = nullptr;  // handle_'s
};

}  // namespace

Result<std::unique_ptr<sql::SqlDriver>> openSqliteDriver(const ferry::Json& settings) {
  auto driver = std::make_unique<SqliteDriver>(settings);
  FERRY_RETURN_IF_ERROR(driver->open());
  return std::unique_ptr<sql::SqlDriver>(std::move(driver));
}

ConnectorImpl sqliteConnectorImpl() {
  ConnectorImpl impl = sql::sqlConnectorImpl("sqlite", openSqliteDriver);
  // Only imports create a missing database file; reading one that is not there is an error
  // (a typo in `path` must not leave an empty database behind).
  auto mustExist = [](const model::Connection& c) -> Status {
    const std::string path = c.settings.value("path", std::string());
    if (::access(path.c_str(), F_OK) == 0) return Status::ok();
    return Status::failedPrecondition("connection " + c.id + ": no SQLite database at " + path);
  };
  impl.openSource = [mustExist, open = impl.openSource](
                        const model::Connection& c, const model::Export& e,
                        const ConnectorContext& ctx) -> Result<std::unique_ptr<Source>> {
    FERRY_RETURN_IF_ERROR(mustExist(c));
    return open(c, e, ctx);
  };
  impl.openLookup = [mustExist, open = impl.openLookup](
                        const model::Connection& c, const model::Lookup& l,
                        const ConnectorContext& ctx) -> Result<std::unique_ptr<LookupSource>> {
    FERRY_RETURN_IF_ERROR(mustExist(c));
    return open(c, l, ctx);
  };
  return impl;
}

}  // namespace ferry::agent::connectors
