#include "controller/store/db.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/PostgreSQLException.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>

#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "controller/store/placeholders.h"
#include "controller/store/sqlite_statements.h"

namespace ferry::controller::store::sql {

namespace {

using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

// Poco's messages (libpq's especially) span lines; a Status message is one line.
std::string oneLine(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// libpq reports the SQLSTATE as "State: 23505" inside Poco's message.
std::string sqlState(const std::string& message) {
  std::size_t at = message.find("State: ");
  if (at == std::string::npos || at + 12 > message.size()) return "";
  return message.substr(at + 7, 5);
}

StatusCode postgresCode(const Poco::Exception& e) {
  if (dynamic_cast<const Poco::Data::PostgreSQL::ConnectionException*>(&e) != nullptr) {
    return StatusCode::kUnavailable;
  }
  std::string state = sqlState(e.message());
  if (state == "23505") return StatusCode::kAlreadyExists;
  if (state == "23503") return StatusCode::kFailedPrecondition;  // foreign key
  if (state == "40001" || state == "40P01") return StatusCode::kAborted;
  if (state == "42P01") return StatusCode::kFailedPrecondition;  // table missing: migrate
  if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57P", 0) == 0 ||
      state == "55P03") {
    return StatusCode::kUnavailable;
  }
  return StatusCode::kInternal;
}

StatusCode sqliteCode(const Poco::Exception& e) {
  namespace S = Poco::Data::SQLite;
  const std::string& m = e.message();
  if (dynamic_cast<const S::ConstraintViolationException*>(&e) != nullptr) {
    if (m.find("UNIQUE") != std::string::npos || m.find("PRIMARY KEY") != std::string::npos) {
      return StatusCode::kAlreadyExists;
    }
    return StatusCode::kFailedPrecondition;
  }
  if (dynamic_cast<const S::DBLockedException*>(&e) != nullptr ||
      dynamic_cast<const S::TableLockedException*>(&e) != nullptr ||
      dynamic_cast<const S::IOErrorException*>(&e) != nullptr ||
      dynamic_cast<const S::CantOpenDBFileException*>(&e) != nullptr) {
    return StatusCode::kUnavailable;
  }
  if (dynamic_cast<const S::DatabaseFullException*>(&e) != nullptr) {
    return StatusCode::kResourceExhausted;
  }
  if (dynamic_cast<const S::CorruptImageException*>(&e) != nullptr) return StatusCode::kDataLoss;
  if (dynamic_cast<const S::ReadOnlyException*>(&e) != nullptr) {
    return StatusCode::kFailedPrecondition;
  }
  if (m.find("no such table") != std::string::npos) return StatusCode::kFailedPrecondition;
  return StatusCode::kInternal;
}

bool isConnected(Poco::Data::Session& s) {
  try {
    return s.isConnected();
  } catch (const Poco::Exception&) {
    return false;
  }
}

void begin(Poco::Data::Session& s, Backend b) {
  // IMMEDIATE takes SQLite's write lock up front, so a transaction never fails half-way
  // when another process holds it (busy_timeout waits instead).
  if (b == Backend::kSqlite) {
    s << "BEGIN IMMEDIATE", now;
  } else {
    s.begin();
  }
}

void commit(Poco::Data::Session& s, Backend b) {
  if (b == Backend::kSqlite) {
    s << "COMMIT", now;
  } else {
    s.commit();
  }
}

void rollback(Poco::Data::Session& s, Backend b) {
  if (b == Backend::kSqlite) {
    s << "ROLLBACK", now;
  } else {
    s.rollback();
  }
}

std::unique_ptr<Poco::Data::Session> openSqlite(const StoreLocation& loc, bool writer) {
  auto s = std::make_unique<Poco::Data::Session>("SQLite", loc.sqlitePath);
  *s << "PRAGMA busy_timeout=5000", now;
  *s << "PRAGMA foreign_keys=ON", now;
  if (writer) {
    // Two processes turning a new file to WAL at once can deadlock on the lock upgrade, and
    // SQLite then answers one of them "locked" at once, without its busy timeout (CI met
    // it with two replicas starting together): try again for as long as the timeout.
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      try {
        *s << "PRAGMA journal_mode=WAL", now;
        break;
      } catch (const Poco::Data::SQLite::DBLockedException&) {
        if (std::chrono::steady_clock::now() >= giveUp) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    *s << "PRAGMA synchronous=" + loc.sqliteSynchronous, now;
  } else {
    *s << "PRAGMA query_only=1", now;
    *s << "PRAGMA mmap_size=268435456", now;
  }
  return s;
}

// A text cell read as an integer must hold one (both backends store integers as BIGINT).
std::int64_t integerFromText(std::string_view t, std::size_t col) {
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc() || end != t.data() + t.size()) {
    throw std::invalid_argument("column " + std::to_string(col) + " holds \"" + std::string(t) +
                                "\", not an integer");
  }
  return out;
}

}  // namespace

std::string Rows::Row::text(std::size_t col) const {
  const Cell& v = cell(col);
  if (const auto* t = std::get_if<std::string>(&v)) return *t;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::string();
}

std::int64_t Rows::Row::integer(std::size_t col) const {
  const Cell& v = cell(col);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* t = std::get_if<std::string>(&v)) return integerFromText(*t, col);
  return 0;
}

std::string RowView::text(std::size_t col) const {
  if (row_ != nullptr) return row_->text(col);
  sqlite3_value* v = sqlite3_column_value(stmt_, static_cast<int>(col));
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::string();
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return std::string(p == nullptr ? "" : p, static_cast<std::size_t>(sqlite3_value_bytes(v)));
}

std::string_view RowView::textView(std::size_t col) const {
  if (row_ != nullptr) {
    if (const std::string* t = row_->textCell(col)) return *t;
    return rendered_.emplace_back(row_->text(col));
  }
  sqlite3_value* v = sqlite3_column_value(stmt_, static_cast<int>(col));
  if (sqlite3_value_type(v) == SQLITE_NULL) return {};
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

std::int64_t RowView::integer(std::size_t col) const {
  if (row_ != nullptr) return row_->integer(col);
  sqlite3_value* v = sqlite3_column_value(stmt_, static_cast<int>(col));
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return sqlite3_value_int64(v);
    case SQLITE_FLOAT: return static_cast<std::int64_t>(sqlite3_value_double(v));
    case SQLITE_NULL: return 0;
    default: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
      return integerFromText(
          std::string_view(p == nullptr ? "" : p, static_cast<std::size_t>(sqlite3_value_bytes(v))),
          col);
    }
  }
}

std::size_t Conn::exec(std::string_view sql, Params params) {
  if (sqlite_ != nullptr) return sqlite_->exec(sql, params);
  Poco::Data::Statement st(session_);
  st << renderPlaceholders(sql, backend_);
  for (Value& p : params) std::visit([&](auto& v) { st.addBind(use(v)); }, p);
  return st.execute();
}

void Conn::forEach(std::string_view sql, Params params,
                   const std::function<void(const RowView&)>& row) {
  if (sqlite_ != nullptr) return sqlite_->forEach(sql, params, row);
  Rows rows = query(sql, std::move(params));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Rows::Row r = rows[i];
    row(RowView(r));
  }
}

Rows Conn::query(std::string_view sql, Params params) {
  if (sqlite_ != nullptr) return sqlite_->query(sql, params);
  Poco::Data::Statement st(session_);
  st << renderPlaceholders(sql, backend_);
  for (Value& p : params) std::visit([&](auto& v) { st.addBind(use(v)); }, p);
  st.execute();
  Poco::Data::RecordSet rs(st);
  Rows out;
  out.columns = rs.columnCount();
  const std::size_t rows = rs.rowCount();
  out.cells.reserve(rows * out.columns);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < out.columns; ++c) {
      if (rs.isNull(c, r)) {
        out.cells.emplace_back(std::monostate{});
        continue;
      }
      const Poco::Dynamic::Var& v = rs.value(c, r);
      if (v.isInteger()) {
        out.cells.emplace_back(v.convert<Poco::Int64>());
      } else if (v.isNumeric()) {
        out.cells.emplace_back(v.convert<double>());
      } else {
        out.cells.emplace_back(v.convert<std::string>());
      }
    }
  }
  return out;
}

std::int64_t Conn::queryInt(std::string_view sql, Params params, std::int64_t fallback) {
  Rows rows = query(sql, std::move(params));
  return rows.empty() ? fallback : rows[0].integer(0);
}

PooledSession::PooledSession(std::unique_ptr<Poco::Data::Session> s, bool isSqlite)
    : session(std::move(s)) {
  if (isSqlite) {
    sqlite = std::make_unique<SqliteStatements>(Poco::Data::SQLite::Utility::dbHandle(*session));
  }
}

PooledSession::~PooledSession() = default;

SessionPool::Lease::~Lease() {
  if (session_) pool_.release(std::move(session_), discard_);
}

SessionPool::Lease SessionPool::acquire() {
  std::unique_lock lock(mu_);
  freed_.wait(lock, [&] { return !idle_.empty() || leased_ < max_; });
  if (!idle_.empty()) {
    auto s = std::move(idle_.back());
    idle_.pop_back();
    ++leased_;
    return Lease(*this, std::move(s));
  }
  ++leased_;
  lock.unlock();
  try {
    return Lease(*this, std::make_unique<PooledSession>(factory_(), sqlite_));
  } catch (...) {
    lock.lock();
    --leased_;
    freed_.notify_one();
    throw;
  }
}

void SessionPool::discardIdle() {
  std::vector<std::unique_ptr<PooledSession>> dead;
  {
    std::lock_guard lock(mu_);
    dead.swap(idle_);
  }
  // Closing happens outside the lock: libpq may take a moment per connection.
}

void SessionPool::release(std::unique_ptr<PooledSession> session, bool discard) {
  {
    std::lock_guard lock(mu_);
    --leased_;
    if (!discard) idle_.push_back(std::move(session));
  }
  freed_.notify_one();
  session.reset();
}

Result<std::unique_ptr<Db>> Db::open(const StoreLocation& loc, const std::string& password,
                                     int maxSessions) {
  const std::size_t max = maxSessions < 1 ? 1 : static_cast<std::size_t>(maxSessions);
  std::unique_ptr<Db> db;
  if (loc.backend == Backend::kSqlite) {
    Poco::Data::SQLite::Connector::registerConnector();
    std::filesystem::path dir = std::filesystem::path(loc.sqlitePath).parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status::failedPrecondition("store directory " + dir.string() +
                                        " does not exist (create the state directory first)");
    }
    auto writers = std::make_unique<SessionPool>([loc] { return openSqlite(loc, true); }, 1, true);
    auto readers =
        std::make_unique<SessionPool>([loc] { return openSqlite(loc, false); }, max, true);
    db = std::make_unique<Db>(loc.backend, std::move(writers), std::move(readers));
  } else {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    std::string conn = libpqConnectionString(loc, password);
    auto pool = std::make_unique<SessionPool>(
        [conn] { return std::make_unique<Poco::Data::Session>("PostgreSQL", conn); }, max, false);
    db = std::make_unique<Db>(loc.backend, std::move(pool), nullptr);
  }
  // Connect now so a wrong path, host or password shows at start, not at the first call.
  std::string where =
      loc.backend == Backend::kSqlite
          ? loc.sqlitePath
          : loc.user + "@" + loc.host + ":" + std::to_string(loc.port) + "/" + loc.database;
  FERRY_RETURN_IF_ERROR(db->write("opening store " + where, [](Conn&) { return Status::ok(); }));
  return db;
}

Status Db::write(std::string_view what, const std::function<Status(Conn&)>& work) {
  return run(*writers_, what, true, work);
}

Status Db::read(std::string_view what, const std::function<Status(Conn&)>& work) {
  return run(readers_ ? *readers_ : *writers_, what, false, work);
}

Status Db::run(SessionPool& pool, std::string_view what, bool transaction,
               const std::function<Status(Conn&)>& work) {
  std::optional<SessionPool::Lease> lease;
  try {
    lease.emplace(pool.acquire());
  } catch (const Poco::Exception& e) {
    return statusFromException(e, backend_, true, what);
  }
  Poco::Data::Session& s = lease->session();
  bool inTransaction = false;
  auto abandon = [&] {
    const bool lost = !isConnected(s);
    if (inTransaction && !lost) {
      try {
        rollback(s, backend_);
      } catch (const Poco::Exception&) {
        lease->discard();  // its state is unknown: never hand it out again
      }
    }
    if (lost) {
      lease->discard();
      pool.discardIdle();
    }
    return lost;
  };
  try {
    if (transaction) {
      begin(s, backend_);
      inTransaction = true;
    }
    Conn conn(s, backend_, lease->sqliteStatements());
    Status st = work(conn);
    if (transaction) {
      if (st.isOk()) {
        commit(s, backend_);
      } else {
        rollback(s, backend_);
      }
      inTransaction = false;
    }
    return st;
  } catch (const Poco::Exception& e) {
    const bool lost = abandon();
    return statusFromException(e, backend_, lost, what);
  } catch (const std::exception& e) {
    abandon();
    return Status::internal(std::string(what) + ": " + e.what());
  }
}

Status statusFromException(const Poco::Exception& e, Backend backend, bool connectionLost,
                           std::string_view what) {
  StatusCode code = StatusCode::kInternal;
  if (connectionLost || dynamic_cast<const Poco::Data::ConnectionFailedException*>(&e) ||
      dynamic_cast<const Poco::Data::NotConnectedException*>(&e)) {
    code = StatusCode::kUnavailable;
  } else {
    code = backend == Backend::kSqlite ? sqliteCode(e) : postgresCode(e);
  }
  std::string message = std::string(what) + " (" + std::string(backendName(backend)) +
                        "): " + oneLine(e.displayText());
  if (connectionLost && backend == Backend::kPostgresql) {
    message += " [connection lost; the next call reconnects]";
  }
  return Status(code, std::move(message));
}

}  // namespace ferry::controller::store::sql
