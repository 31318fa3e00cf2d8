#include "agent/connectors/mysql/mysql_driver.h"

#include <mysql.h>

#include <optional>
#include <string>

#include "agent/connectors/mysql/mysql_errors.h"
#include "agent/connectors/mysql/mysql_statement.h"
#include "common/json/json.h"

namespace ferry::agent::connectors {

namespace {

using sql::Params;

struct MysqlCloser {
  void operator()(MYSQL* db) const { mysql_close(db); }
};
using MysqlPtr = std::unique_ptr<MYSQL, MysqlCloser>;

struct MysqlSettings {
  std::string host;
  unsigned port = 3306;
  std::string database;
  std::string user;
  std::optional<std::string> password;
  std::string sslMode = "preferred";
  unsigned connectTimeoutSeconds = 10;
};

Status badSetting(const std::string& name, const std::string& problem) {
  return Status::invalidArgument("mysql settings: `" + name + "` " + problem);
}

Status readText(const ferry::Json& s, const std::string& name, bool required, std::string& out) {
  auto it = s.find(name);
  if (it == s.end() || it->is_null()) {
    return required ? badSetting(name, "is required") : Status::ok();
  }
  if (!it->is_string()) return badSetting(name, "must be a string");
  out = it->get<std::string>();
  return Status::ok();
}

Status readCount(const ferry::Json& s, const std::string& name, unsigned min, unsigned max,
                 unsigned& out) {
  auto it = s.find(name);
  if (it == s.end() || it->is_null()) return Status::ok();
  if (!it->is_number_integer() || it->get<std::int64_t>() < static_cast<std::int64_t>(min) ||
      it->get<std::int64_t>() > static_cast<std::int64_t>(max)) {
    return badSetting(
        name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  out = it->get<unsigned>();
  return Status::ok();
}

Result<MysqlSettings> parseSettings(const ferry::Json& s) {
  if (!s.is_object()) return Status::invalidArgument("mysql settings must be an object");
  MysqlSettings out;
  FERRY_RETURN_IF_ERROR(readText(s, "host", true, out.host));
  FERRY_RETURN_IF_ERROR(readCount(s, "port", 1, 65535, out.port));
  FERRY_RETURN_IF_ERROR(readText(s, "database", true, out.database));
  FERRY_RETURN_IF_ERROR(readText(s, "user", true, out.user));
  std::string password;
  auto pw = s.find("password");
  if (pw != s.end() && !pw->is_null()) {
    FERRY_RETURN_IF_ERROR(readText(s, "password", false, password));
    out.password = std::move(password);
  }
  FERRY_RETURN_IF_ERROR(readText(s, "sslMode", false, out.sslMode));
  if (out.sslMode != "disabled" && out.sslMode != "preferred" && out.sslMode != "required" &&
      out.sslMode != "verify-ca" && out.sslMode != "verify-identity") {
    return badSetting("sslMode",
                      "must be disabled, preferred, required, verify-ca or "
                      "verify-identity, not \"" +
                          out.sslMode + "\"");
  }
  FERRY_RETURN_IF_ERROR(readCount(s, "connectTimeoutSeconds", 1, 3600, out.connectTimeoutSeconds));
  return out;
}

// Each statement a session starts with, and why:
//  - UTC, so TIMESTAMP values read and written through MYSQL_TIME are instants ("…Z");
//  - strict mode, so refused data is an error for that record, never a silent truncation;
//  - a long net_write_timeout, so a read paused between pages (the queue applying
//    back-pressure) is not cut by the server after the default 60 s.
constexpr const char* kSessionSetup[] = {
    "SET time_zone = '+00:00'",
    "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')",
    "SET SESSION net_write_timeout = 3600",
};

class MysqlDriver final : public sql::SqlDriver {
 public:
  explicit MysqlDriver(MysqlSettings settings) : settings_(std::move(settings)) {}

  Status open() {
    // mysql_init() initialises the library on first use, which is not thread-safe;
    // a function-local static makes that happen exactly once.
    static const bool libraryReady = mysql_library_init(0, nullptr, nullptr) == 0;
    if (!libraryReady) return Status::internal("mysql: the client library failed to start");
    db_.reset();
    MysqlPtr db(mysql_init(nullptr));
    if (!db) return Status::resourceExhausted("mysql: out of memory for a connection");
    const unsigned timeout = settings_.connectTimeoutSeconds;
    mysql_options(db.get(), MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(db.get(), MYSQL_SET_CHARSET_NAME, "utf8mb4");
    // A silent reconnect would drop the transaction and the session settings.
    const my_bool no = 0;
    const my_bool yes = 1;
    mysql_options(db.get(), MYSQL_OPT_RECONNECT, &no);
    const std::string& mode = settings_.sslMode;
    if (mode != "disabled") mysql_options(db.get(), MYSQL_OPT_SSL_ENFORCE, &yes);
    // Connector/C checks the chain and the host name together: verify-ca is as strict.
    if (mode == "verify-ca" || mode == "verify-identity") {
      mysql_options(db.get(), MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
    }
    const std::string where = "connecting to " + settings_.host + ":" +
                              std::to_string(settings_.port) + " as " + settings_.user;
    if (!mysql_real_connect(db.get(), settings_.host.c_str(), settings_.user.c_str(),
                            settings_.password ? settings_.password->c_str() : nullptr,
                            settings_.database.c_str(), settings_.port, nullptr, 0)) {
      return mysql::connectionError(db.get(), where);
    }
    // Without certificate checks Connector/C 3.3 falls back to plain text when the server
    // offers no TLS; "required" must not.
    if (mode != "disabled" && mode != "preferred" && mysql_get_ssl_cipher(db.get()) == nullptr) {
      return Status::failedPrecondition("mysql: " + where + ": the server offers no TLS (sslMode " +
                                        mode + ")");
    }
    for (const char* statement : kSessionSetup) {
      if (mysql_query(db.get(), statement)) {
        return mysql::connectionError(db.get(), "setting up the session");
      }
    }
    db_ = std::move(db);
    return Status::ok();
  }

  std::string_view engine() const override { return "mysql"; }
  std::string placeholder(std::size_t) const override { return "?"; }
  std::string quoteIdentifier(std::string_view part) const override {
    std::string out = "`";
    for (char c : part) {
      if (c == '`') out += '`';
      out += c;
    }
    out += '`';
    return out;
  }
  sql::UpsertStyle upsertStyle() const override { return sql::UpsertStyle::kOnDuplicateKey; }
  // The protocol counts placeholders in 16 bits.
  std::size_t maxParameters() const override { return 65535; }

  Status begin() override { return runText("START TRANSACTION").status(); }
  Status commit() override { return runText("COMMIT").status(); }
  Status rollback() override {
    if (!db_) return Status::ok();  // nothing to undo on a connection that is gone
    return runText("ROLLBACK").status();
  }
  Status reconnect() override { return open(); }

  Result<std::int64_t> execute(const std::string& sql, const Params& params) override {
    if (!db_) return notConnected();
    // Without values there is nothing to bind: the text protocol also runs statements
    // that cannot be prepared (some DDL, transaction control).
    if (params.empty()) return runText(sql);
    auto stmt = mysql::runPrepared(db_.get(), sql, params);
    if (!stmt.isOk()) return stmt.status();
    const my_ulonglong changed = mysql_stmt_affected_rows(stmt->get());
    return changed == static_cast<my_ulonglong>(-1) ? 0 : static_cast<std::int64_t>(changed);
  }

  Result<std::unique_ptr<sql::RowCursor>> query(const std::string& sql, const Params& params,
                                                std::size_t) override {
    // Unbuffered binary-protocol reads stream row by row from the socket, so fetchSize
    // has nothing to tune; a server-side cursor would copy the result into a temp table.
    if (!db_) return notConnected();
    auto stmt = mysql::runPrepared(db_.get(), sql, params);
    if (!stmt.isOk()) return stmt.status();
    return mysql::makeCursor(std::move(*stmt));
  }

 private:
  Status notConnected() const {
    return Status::unavailable("mysql: not connected to " + settings_.host + ":" +
                               std::to_string(settings_.port) + " (the last reconnect failed)");
  }

  Result<std::int64_t> runText(const std::string& sql) {
    if (!db_) return notConnected();
    MYSQL* db = db_.get();
    if (mysql_real_query(db, sql.data(), static_cast<unsigned long>(sql.size()))) {
      return mysql::connectionError(db, "running a statement");
    }
    std::int64_t changed = 0;
    // Drain every result (a CALL returns several) so the connection is ready again.
    for (;;) {
      if (MYSQL_RES* rows = mysql_use_result(db)) {
        while (mysql_fetch_row(rows) != nullptr) {
        }
        mysql_free_result(rows);
      } else if (mysql_field_count(db) != 0) {
        return mysql::connectionError(db, "reading a result");
      } else {
        const my_ulonglong n = mysql_affected_rows(db);
        if (n != static_cast<my_ulonglong>(-1)) changed += static_cast<std::int64_t>(n);
      }
      if (mysql_errno(db) != 0) return mysql::connectionError(db, "reading a result");
      const int next = mysql_next_result(db);
      if (next < 0) break;
      if (next > 0) return mysql::connectionError(db, "running a statement");
    }
    return changed;
  }

  MysqlSettings settings_;
  MysqlPtr db_;
};

}  // namespace

Result<std::unique_ptr<sql::SqlDriver>> openMysqlDriver(const ferry::Json& settings) {
  auto parsed = parseSettings(settings);
  if (!parsed.isOk()) return parsed.status();
  auto driver = std::make_unique<MysqlDriver>(std::move(*parsed));
  FERRY_RETURN_IF_ERROR(driver->open());
  return std::unique_ptr<sql::SqlDriver>(std::move(driver));
}

}  // namespace ferry::agent::connectors
