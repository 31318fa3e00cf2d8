#include "agent/queue/sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

namespace ferry::agent::queue {

Status sqliteStatus(int rc, sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW: return Status::ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return Status::unavailable(message);
    case SQLITE_FULL: return Status::resourceExhausted(message + " (disk full)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::dataLoss(message);
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM: return Status::failedPrecondition(message);
    case SQLITE_CONSTRAINT: return Status::aborted(message);
    default: return Status::internal(message);
  }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bindBlob(int index, std::string_view bytes) {
  // Bound without a copy: the caller keeps `bytes` alive until step() returns.
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = sqliteStatus(rc, db_, sqlite3_sql(stmt_));
  sqlite3_reset(stmt_);
  return st;
}

Status Statement::run() {
  auto r = step();
  reset();
  return r.isOk() ? Status::ok() : r.status();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::columnText(int i) const {
  const auto* p = sqlite3_column_blob(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string_view();
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path, bool create,
                                                     const std::string& synchronous, bool readOnly,
                                                     int newPageSize) {
  sqlite3* db = nullptr;
  int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !readOnly) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;  // each connection is guarded by its owner
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  auto conn = std::make_unique<Connection>(db, path);
  if (rc != SQLITE_OK) return sqliteStatus(rc, db, "cannot open '" + path + "'");
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  // Only a file created now takes it: WAL mode fixes the page size of an existing one.
  if (create && !readOnly && newPageSize > 0) {
    FERRY_RETURN_IF_ERROR(conn->exec("PRAGMA page_size=" + std::to_string(newPageSize)));
  }
  // The first read finds out whether this is an SQLite file at all.
  Status probe = conn->exec("SELECT count(*) FROM sqlite_master");
  if (!probe.isOk()) {
    return Status::dataLoss("'" + path + "' is not a usable SQLite database (" + probe.message() +
                            ")");
  }
  if (!readOnly) {
    FERRY_RETURN_IF_ERROR(conn->exec("PRAGMA journal_mode=WAL"));
    FERRY_RETURN_IF_ERROR(conn->exec("PRAGMA synchronous=" + synchronous));
  }
  return conn;
}

Connection::~Connection() {
  if (db_) sqlite3_close_v2(db_);
}

Status Connection::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc == SQLITE_OK) return Status::ok();
  return sqliteStatus(rc, db_, path_ + ": " + sql.substr(0, 60));
}

Result<Statement> Connection::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqliteStatus(rc, db_, path_ + ": prepare " + sql.substr(0, 60));
  return Statement(db_, stmt);
}

Result<std::string> randomUuid() {
  unsigned char b[16];
  int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::unavailable("cannot open /dev/urandom");
  ssize_t n = ::read(fd, b, sizeof b);
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof b)) return Status::unavailable("short read of /dev/urandom");
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return std::string(out);
}

}  // namespace ferry::agent::queue
