#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <functional>
#include <set>

#include "agent/connectors/postgresql/pg_values.h"
#include "agent/connectors/postgresql/postgresql_connector.h"
#include "agent/connectors/sql/sql_connector.h"
#include "agent/connectors/sql/sql_values.h"

namespace ferry::agent::connectors {

namespace {

using sql::Params;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// SQLSTATE classes (PostgreSQL appendix A) to what the caller should do.
Status pgStatus(PGconn* conn, const PGresult* result, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = result ? PQresultErrorMessage(result) : "";
  if (text.empty()) text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  const std::string code = state ? state : "";
  std::string message = "postgresql: " + what + ": " + text;
  if (!code.empty()) message += " (SQLSTATE " + code + ")";
  if (PQstatus(conn) == CONNECTION_BAD || code.rfind("08", 0) == 0 || code.rfind("57P", 0) == 0 ||
      code.rfind("53", 0) == 0) {
    return Status::unavailable(std::move(message));
  }
  if (code.rfind("22", 0) == 0 || code.rfind("23", 0) == 0 || code == "21000") {
    return Status::invalidArgument(std::move(message));
  }
  if (code.rfind("40", 0) == 0 || code == "55P03") return Status::aborted(std::move(message));
  if (code == "57014") return Status::deadlineExceeded(std::move(message));
  return Status::failedPrecondition(std::move(message));
}

// libpq keyword values are quoted so spaces, quotes and backslashes in a password survive.
std::string keyword(const std::string& key, const std::string& value) {
  std::string out = key + "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "' ";
}

class PostgresqlDriver;

class PgCursor final : public sql::RowCursor {
 public:
  PgCursor(PostgresqlDriver& driver, std::string name, bool ownsTransaction)
      : driver_(driver), name_(std::move(name)), ownsTransaction_(ownsTransaction) {}
  ~PgCursor() override;
  Result<bool> fetch(std::size_t max, std::vector<ferry::Json>& out) override;

 private:
  PostgresqlDriver& driver_;
  std::string name_;
  bool ownsTransaction_;
  bool done_ = false;
  bool failed_ = false;
};

class PostgresqlDriver final : public sql::SqlDriver {
 public:
  explicit PostgresqlDriver(const ferry::Json& s) {
    conninfo_ = keyword("host", s.value("host", "")) +
                keyword("port", std::to_string(s.value("port", 5432))) +
                keyword("dbname", s.value("database", "")) + keyword("user", s.value("user", "")) +
                keyword("sslmode", s.value("sslmode", "prefer")) +
                keyword("connect_timeout", std::to_string(s.value("connectTimeoutSeconds", 10))) +
                keyword("application_name", "ferry-agent");
    if (s.contains("password") && s["password"].is_string()) {
      conninfo_ += keyword("password", s["password"].get<std::string>());
    }
    where_ = s.value("host", "") + ":" + std::to_string(s.value("port", 5432)) + "/" +
             s.value("database", "");
  }

  Status open() {
    try {
      Poco::Data::PostgreSQL::Connector::registerConnector();
      session_ = std::make_unique<Poco::Data::Session>("PostgreSQL", conninfo_);
      auto* impl = static_cast<Poco::Data::PostgreSQL::SessionImpl*>(session_->impl());
      conn_ = static_cast<PGconn*>(impl->handle());
    } catch (const Poco::Exception& e) {
      // Poco's message names host and database, never the password.
      session_.reset();
      return Status::unavailable("postgresql: cannot connect to " + where_ + ": " +
                                 e.displayText());
    }
    inTransaction_ = false;
    // One text format for every session, so values convert the same everywhere.
    stages_.clear();
    // One text format for every session, so values convert the same everywhere; notices
    // ("already exists, skipping") would go to stderr through libpq.
    return run(
        "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = "
        "'iso_8601'; SET bytea_output = 'hex'; SET client_encoding = 'UTF8'; "
        "SET client_min_messages = 'warning'",
        "configuring the session");
  }

  std::string_view engine() const override { return "postgresql"; }
  std::string placeholder(std::size_t index) const override {
    return "$" + std::to_string(index + 1);
  }
  std::string quoteIdentifier(std::string_view part) const override {
    return sql::doubleQuoted(part);
  }
  sql::UpsertStyle upsertStyle() const override { return sql::UpsertStyle::kOnConflict; }
  std::size_t maxParameters() const override { return 65535; }

  Status begin() override {
    FERRY_RETURN_IF_ERROR(run("BEGIN", "BEGIN"));
    inTransaction_ = true;
    return Status::ok();
  }
  Status commit() override {
    inTransaction_ = false;
    return run("COMMIT", "COMMIT");
  }
  Status rollback() override {
    if (!inTransaction_) return Status::ok();
    inTransaction_ = false;
    stages_.clear();  // a staging table created in this transaction is gone again
    return run("ROLLBACK", "ROLLBACK");
  }
  Status reconnect() override {
    session_.reset();
    conn_ = nullptr;
    return open();
  }

  Result<std::int64_t> execute(const std::string& sql, const Params& params) override {
    auto result = exec(sql, params, "running a statement");
    if (!result.isOk()) return result.status();
    const char* tuples = PQcmdTuples(result->get());
    return static_cast<std::int64_t>(tuples && *tuples ? std::stoll(tuples) : 0);
  }

  Result<std::unique_ptr<sql::RowCursor>> query(const std::string& sql, const Params& params,
                                                std::size_t) override {
    // libpq loads a whole result into memory; a server-side cursor read in FETCH-sized
    // steps keeps memory to one page (TOOLCHAIN.md §4). Cursors live in a transaction.
    const bool own = !inTransaction_;
    if (own) FERRY_RETURN_IF_ERROR(begin());
    std::string name = "ferry_cursor_" + std::to_string(++cursorCount_);
    auto declared = exec("DECLARE " + name + " NO SCROLL CURSOR FOR " + sql, params, "query");
    if (!declared.isOk()) {
      if (own) (void)rollback();
      return declared.status();
    }
    return std::unique_ptr<sql::RowCursor>(std::make_unique<PgCursor>(*this, name, own));
  }

  Status bulkWrite(const sql::BulkWrite& w) override {
    if (!w.upsert) return copyRows(w.table, w, false);
    // Most upserted pages carry new keys (a first load, append-mostly tables): COPY straight
    // into the table is then the cheapest write there is. When a key exists already the COPY
    // fails on the unique index, is rolled back to the savepoint, and the page goes through
    // the staging table; after such a conflict the next pages go there directly for a while.
    if (skipDirectCopy_ == 0) {
      FERRY_RETURN_IF_ERROR(savepoint("ferry_copy"));
      Status direct = copyRows(w.table, w, false);
      if (direct.isOk()) return releaseSavepoint("ferry_copy");
      if (lastSqlState_ != "23505") return direct;  // not a key conflict: the caller decides
      FERRY_RETURN_IF_ERROR(rollbackToSavepoint("ferry_copy"));
      skipDirectCopy_ = kPagesAfterConflict;
    } else {
      --skipDirectCopy_;
    }
    return upsertThroughStage(w);
  }

  // COPY the page into a session-private staging table shaped like the target's columns,
  // then move it with one INSERT … ON CONFLICT. The staging table's rows vanish at commit.
  Status upsertThroughStage(const sql::BulkWrite& w) {
    std::string columns;
    for (const auto& c : w.columns) columns += (columns.empty() ? "" : ", ") + quoteIdentifier(c);
    const std::string stage =
        "ferry_stage_" +
        std::to_string(std::hash<std::string>{}(w.table + "|" + columns) % 1000000007);
    if (stages_.insert(stage).second) {
      FERRY_RETURN_IF_ERROR(run("CREATE TEMP TABLE IF NOT EXISTS " + stage +
                                    " ON COMMIT DELETE ROWS AS SELECT 0::bigint AS ferry_ord, " +
                                    columns + " FROM " + w.table + " WITH NO DATA",
                                "creating the staging table"));
    }
    FERRY_RETURN_IF_ERROR(copyRows(stage, w, true));
    // A page may hold one key twice; the later record wins, as row-by-row upserts would.
    std::string keys;
    for (const auto& k : w.keys) keys += (keys.empty() ? "" : ", ") + quoteIdentifier(k);
    return run("INSERT INTO " + w.table + " (" + columns + ") SELECT " + columns +
                   " FROM (SELECT DISTINCT ON (" + keys + ") * FROM " + stage + " ORDER BY " +
                   keys + ", ferry_ord DESC) AS page WHERE true" + upsertClause(w.columns, w.keys),
               "writing the page");
  }

  Result<std::vector<ferry::Json>> queryAll(const std::string& sql, const Params& params) override {
    auto result = exec(sql, params, "query");
    if (!result.isOk()) return result.status();
    std::vector<ferry::Json> rows;
    appendRows(result->get(), rows);
    return rows;
  }

  // Converts every row of a text-format result.
  static void appendRows(const PGresult* r, std::vector<ferry::Json>& out) {
    const int fields = PQnfields(r);
    std::vector<std::string> names;
    std::vector<Oid> types;
    for (int c = 0; c < fields; ++c) {
      names.emplace_back(PQfname(r, c));
      types.push_back(PQftype(r, c));
    }
    const sql::RecordShape shape(std::move(names));
    const int rows = PQntuples(r);
    for (int i = 0; i < rows; ++i) {
      out.push_back(shape.build([&](std::size_t column) -> ferry::Json {
        const int c = static_cast<int>(column);
        if (PQgetisnull(r, i, c)) return nullptr;
        return postgresql::pgValue(
            types[column],
            std::string_view(PQgetvalue(r, i, c), static_cast<std::size_t>(PQgetlength(r, i, c))));
      }));
    }
  }

  PGconn* conn() { return conn_; }
  bool inTransaction() const { return inTransaction_; }

  Status run(const std::string& sql, const std::string& what) {
    ResultPtr result(PQexec(conn_, sql.c_str()));
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Status::ok();
    return failed(result.get(), what);
  }

  Status failed(const PGresult* result, const std::string& what) {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    lastSqlState_ = state ? state : "";
    return pgStatus(conn_, result, what);
  }

  Result<ResultPtr> exec(const std::string& sql, const Params& params, const std::string& what) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (params[i].is_null()) continue;
      texts[i] = sql::bindText(params[i]);
      values[i] = texts[i].c_str();
    }
    ResultPtr result(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(result.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    return failed(result.get(), what);
  }

 private:
  // COPY the rows into `table`; with `ordinal`, into a staging table's extra ferry_ord column
  // too, numbering the rows in page order.
  Status copyRows(const std::string& table, const sql::BulkWrite& w, bool ordinal) {
    std::string columns = ordinal ? "ferry_ord" : "";
    for (const auto& c : w.columns) columns += (columns.empty() ? "" : ", ") + quoteIdentifier(c);
    ResultPtr started(PQexec(conn_, ("COPY " + table + " (" + columns + ") FROM STDIN").c_str()));
    if (PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return failed(started.get(), "starting COPY");
    }
    std::string buffer;
    // Sent in pieces as it is encoded, so the server inserts while the rest is encoded.
    constexpr std::size_t kFlushBytes = 64 << 10;
    std::size_t ord = 0;
    bool sent = true;
    for (const auto* row : *w.rows) {
      bool first = true;
      if (ordinal) {
        buffer += std::to_string(ord++);
        first = false;
      }
      // A row's keys are w.columns, in the same (sorted) order: walk the two together.
      for (const auto& value : *row) {
        if (!first) buffer += '\t';
        first = false;
        postgresql::appendCopyValue(buffer, value);
      }
      buffer += '\n';
      if (buffer.size() >= kFlushBytes) {
        sent = PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) == 1;
        buffer.clear();
        if (!sent) break;
      }
    }
    if (sent && !buffer.empty()) {
      sent = PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) == 1;
    }
    if (PQputCopyEnd(conn_, sent ? nullptr : "client failed to send data") != 1) {
      return pgStatus(conn_, nullptr, "ending COPY");
    }
    Status status = Status::ok();
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr r(raw);
      if (PQresultStatus(raw) != PGRES_COMMAND_OK && status.isOk()) {
        status = failed(raw, "COPY");
      }
    }
    return status;
  }

  std::string conninfo_;
  std::string where_;
  std::unique_ptr<Poco::Data::Session> session_;
  PGconn* conn_ = nullptr;
  bool inTransaction_ = false;
  std::uint64_t cursorCount_ = 0;
  std::set<std::string> stages_;  // staging tables this session has
  std::string lastSqlState_;      // of the last failed statement
  static constexpr int kPagesAfterConflict = 16;
  int skipDirectCopy_ = 0;  // pages left that upsert through the staging table directly

  friend class PgCursor;
};

PgCursor::~PgCursor() {
  if (failed_) {
    if (ownsTransaction_) (void)driver_.rollback();
    return;
  }
  (void)driver_.run("CLOSE " + name_, "closing the cursor");
  if (ownsTransaction_) (void)driver_.commit();
}

Result<bool> PgCursor::fetch(std::size_t max, std::vector<ferry::Json>& out) {
  if (done_ || max == 0) return !done_;
  auto result =
      driver_.exec("FETCH " + std::to_string(max) + " FROM " + name_, {}, "fetching rows");
  if (!result.isOk()) {
    failed_ = true;
    done_ = true;
    return result.status();
  }
  const int rows = PQntuples(result->get());
  PostgresqlDriver::appendRows(result->get(), out);
  if (static_cast<std::size_t>(rows) < max) done_ = true;
  return !done_;
}

}  // namespace

Result<std::unique_ptr<sql::SqlDriver>> openPostgresqlDriver(const ferry::Json& settings) {
  auto driver = std::make_unique<PostgresqlDriver>(settings);
  FERRY_RETURN_IF_ERROR(driver->open());
  return std::unique_ptr<sql::SqlDriver>(std::move(driver));
}

ConnectorImpl postgresqlConnectorImpl() {
  return sql::sqlConnectorImpl("postgresql", openPostgresqlDriver);
}

}  // namespace ferry::agent::connectors
