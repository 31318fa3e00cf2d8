#include "agent/connectors/odbc/odbc_driver.h"

#include <Poco/Data/ODBC/Connector.h>
#include <Poco/Data/ODBC/SessionImpl.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <sql.h>
#include <sqlext.h>

#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "agent/connectors/odbc/odbc_errors.h"
#include "agent/connectors/odbc/odbc_statement.h"
#include "agent/connectors/odbc/odbc_text.h"
#include "agent/connectors/sql/sql_values.h"
#include "common/json/json.h"

namespace ferry::agent::connectors {

namespace {

using sql::Params;

// ODBC's login timeout, as the other SQL connectors' connect timeout default.
constexpr std::size_t kLoginTimeoutSeconds = 10;

struct OdbcSettings {
  std::string connectionString;
  std::optional<std::string> user;
  std::optional<std::string> password;
};

Result<OdbcSettings> parseSettings(const ferry::Json& s) {
  if (!s.is_object()) return Status::invalidArgument("odbc settings must be an object");
  OdbcSettings out;
  auto text = [&](const char* name, bool required) -> Result<std::optional<std::string>> {
    auto it = s.find(name);
    if (it == s.end() || it->is_null()) {
      if (required) {
        return Status::invalidArgument(std::string("odbc settings: `") + name + "` is required");
      }
      return std::optional<std::string>();
    }
    if (!it->is_string()) {
      return Status::invalidArgument(std::string("odbc settings: `") + name + "` must be a string");
    }
    return std::optional<std::string>(it->get<std::string>());
  };
  auto connection = text("connectionString", true);
  if (!connection.isOk()) return connection.status();
  out.connectionString = **connection;
  if (out.connectionString.find_first_not_of(" ;") == std::string::npos) {
    return Status::invalidArgument("odbc settings: `connectionString` is empty");
  }
  for (const char* key : {"UID", "PWD"}) {
    if (odbc::hasAttribute(out.connectionString, key)) {
      return Status::invalidArgument(std::string("odbc settings: `connectionString` sets ") + key +
                                     "; give `user` and `password` instead");
    }
  }
  auto user = text("user", false);
  if (!user.isOk()) return user.status();
  out.user = *user;
  auto password = text("password", false);
  if (!password.isOk()) return password.status();
  out.password = *password;
  return out;
}

bool isPsqlOdbc(const std::string& connectionString) {
  std::string lower = connectionString;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("driver={postgresql") != std::string::npos ||
         lower.find("psqlodbc") != std::string::npos;
}

// The connection string the driver gets: the user's, then UID/PWD, then (psqlODBC only)
// defaults the user did not set: a cursor that fetches 1000 rows at a time instead of the
// whole result, and booleans as SQL_BIT instead of text.
std::string fullConnectionString(const OdbcSettings& s) {
  std::string out = s.connectionString;
  while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
  out += ';';
  if (s.user) out += "UID=" + odbc::attributeValue(*s.user) + ';';
  if (s.password) out += "PWD=" + odbc::attributeValue(*s.password) + ';';
  if (isPsqlOdbc(s.connectionString)) {
    for (const auto& [key, value] : {std::pair<const char*, const char*>{"UseDeclareFetch", "1"},
                                     {"Fetch", "1000"},
                                     {"BoolsAsChar", "0"}}) {
      if (!odbc::hasAttribute(s.connectionString, key)) out += std::string(key) + '=' + value + ';';
    }
  }
  return out;
}

// Poco reports a failed connect as text holding the driver's diagnostic records
// ("SQLSTATE = 08001", "Native Error Code = 101", the driver's words, each on its own
// line). Only the states and the words are kept, with the password blanked should a driver
// echo it; warnings (01xxx) do not decide the outcome.
Status connectFailure(const Poco::Exception& e, const OdbcSettings& s) {
  std::string state;
  std::string words;
  std::istringstream lines(e.message());
  bool inRecord = false;
  for (std::string line; std::getline(lines, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.rfind("SQLSTATE = ", 0) == 0) {
      const std::string recordState = line.substr(11, 5);
      if (state.empty() || state.rfind("01", 0) == 0) state = recordState;
      inRecord = true;
    } else if (inRecord && line.rfind("Native Error Code = ", 0) != 0 && !line.empty() &&
               line.find("=====") == std::string::npos &&
               line.rfind("ODBC Diagnostic record", 0) != 0) {
      words += (words.empty() ? "" : "; ") + line;
    }
  }
  if (words.empty()) words = e.displayText();
  if (s.password && !s.password->empty()) {
    for (std::size_t at; (at = words.find(*s.password)) != std::string::npos;) {
      words.replace(at, s.password->size(), "***");
    }
  }
  const StatusCode code = state.empty() ? StatusCode::kUnavailable : odbc::classifySqlState(state);
  return Status(code, "odbc: connecting: " + words +
                          (state.empty() ? std::string() : " (SQLSTATE " + state + ")"));
}

class OdbcDriver final : public sql::SqlDriver {
 public:
  explicit OdbcDriver(OdbcSettings settings) : settings_(std::move(settings)) {}

  Status open() {
    close();
    try {
      Poco::Data::ODBC::Connector::registerConnector();
      session_ = std::make_unique<Poco::Data::Session>("ODBC", fullConnectionString(settings_),
                                                       kLoginTimeoutSeconds);
    } catch (const Poco::Exception& e) {
      return connectFailure(e, settings_);
    }
    auto* impl = dynamic_cast<Poco::Data::ODBC::SessionImpl*>(session_->impl());
    if (impl == nullptr) return Status::internal("odbc: the session is not an ODBC session");
    dbc_ = impl->dbc().handle();
    // PostgreSQL sends timestamptz in the session's zone and ODBC's timestamp struct has no
    // zone: in UTC, those values are instants ("…Z").
    SQLCHAR dbms[64] = {};
    SQLSMALLINT length = 0;
    if (odbc::succeeded(SQLGetInfo(dbc_, SQL_DBMS_NAME, dbms, sizeof dbms, &length)) &&
        std::string(reinterpret_cast<const char*>(dbms)) == "PostgreSQL") {
      auto set = execute("SET TIME ZONE 'UTC'", {});
      if (!set.isOk()) return set.status();
      read_.zonedTimestampsUtc = true;
    }
    return Status::ok();
  }

  std::string_view engine() const override { return "odbc"; }
  std::string placeholder(std::size_t) const override { return "?"; }
  std::string quoteIdentifier(std::string_view part) const override {
    return sql::doubleQuoted(part);
  }
  sql::UpsertStyle upsertStyle() const override { return sql::UpsertStyle::kUpdateThenInsert; }
  // Drivers and servers differ (SQL Server allows 2100); this fits them all.
  std::size_t maxParameters() const override { return 2000; }

  Status begin() override {
    FERRY_RETURN_IF_ERROR(connected());
    FERRY_RETURN_IF_ERROR(setAutocommit(false));
    inTransaction_ = true;
    return Status::ok();
  }
  Status commit() override { return endTransaction(SQL_COMMIT, "committing"); }
  Status rollback() override {
    if (!inTransaction_ || !session_) return Status::ok();
    return endTransaction(SQL_ROLLBACK, "rolling back");
  }
  Status reconnect() override { return open(); }

  Result<std::int64_t> execute(const std::string& sql, const Params& params) override {
    FERRY_RETURN_IF_ERROR(connected());
    auto executed = odbc::runStatement(dbc_, sql, params);
    if (!executed.isOk()) return executed.status();
    return odbc::changedRows(*executed);
  }

  Result<std::unique_ptr<sql::RowCursor>> query(const std::string& sql, const Params& params,
                                                std::size_t) override {
    // Rows arrive as the driver fetches them: psqlODBC in blocks of Fetch rows.
    FERRY_RETURN_IF_ERROR(connected());
    auto executed = odbc::runStatement(dbc_, sql, params);
    if (!executed.isOk()) return executed.status();
    return odbc::makeCursor(std::move(*executed), read_);
  }

 private:
  Status connected() const {
    if (session_) return Status::ok();
    return Status::unavailable("odbc: not connected (the last reconnect failed)");
  }

  void close() {
    dbc_ = SQL_NULL_HDBC;
    inTransaction_ = false;
    read_ = {};
    try {
      session_.reset();
    } catch (const Poco::Exception&) {
      // Closing a connection that is already broken: nothing left to release.
    }
  }

  Status setAutocommit(bool on) {
    const auto value = reinterpret_cast<SQLPOINTER>(
        static_cast<std::uintptr_t>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF));
    if (!odbc::succeeded(SQLSetConnectAttr(dbc_, SQL_ATTR_AUTOCOMMIT, value, SQL_IS_UINTEGER))) {
      return odbc::diagnosticStatus(SQL_HANDLE_DBC, dbc_,
                                    on ? "ending a transaction" : "starting a transaction");
    }
    return Status::ok();
  }

  Status endTransaction(SQLSMALLINT completion, const char* what) {
    FERRY_RETURN_IF_ERROR(connected());
    if (!inTransaction_) return Status::ok();
    if (!odbc::succeeded(SQLEndTran(SQL_HANDLE_DBC, dbc_, completion))) {
      return odbc::diagnosticStatus(SQL_HANDLE_DBC, dbc_, what);
    }
    inTransaction_ = false;
    return setAutocommit(true);
  }

  OdbcSettings settings_;
  std::unique_ptr<Poco::Data::Session> session_;
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  odbc::ReadOptions read_;
  bool inTransaction_ = false;
};

}  // namespace

Result<std::unique_ptr<sql::SqlDriver>> openOdbcDriver(const ferry::Json& settings) {
  auto parsed = parseSettings(settings);
  if (!parsed.isOk()) return parsed.status();
  auto driver = std::make_unique<OdbcDriver>(std::move(*parsed));
  FERRY_RETURN_IF_ERROR(driver->open());
  return std::unique_ptr<sql::SqlDriver>(std::move(driver));
}

}  // namespace ferry::agent::connectors
