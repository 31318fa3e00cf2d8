#include "agent/connectors/odbc/odbc_statement.h"

#include <sqlext.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "agent/connectors/odbc/odbc_errors.h"
#include "agent/connectors/odbc/odbc_text.h"
#include "agent/connectors/sql/sql_values.h"

namespace ferry::agent::connectors::odbc {

namespace {

// Storage for one bound parameter; must not move while bound.
struct ParamSlot {
  SQLLEN indicator = 0;
  std::int64_t integer = 0;
  double real = 0;
  unsigned char flag = 0;
  WideString text;
};

SQLRETURN bindParam(SQLHSTMT stmt, SQLUSMALLINT number, const ferry::Json& value, ParamSlot& slot) {
  if (value.is_null()) {
    slot.indicator = SQL_NULL_DATA;
    return SQLBindParameter(stmt, number, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 1, 0, nullptr,
                            0, &slot.indicator);
  }
  if (value.is_boolean()) {
    slot.flag = value.get<bool>() ? 1 : 0;
    return SQLBindParameter(stmt, number, SQL_PARAM_INPUT, SQL_C_BIT, SQL_BIT, 1, 0, &slot.flag, 0,
                            &slot.indicator);
  }
  if (value.is_number_integer() &&
      (value.is_number_unsigned() ? value.get<std::uint64_t>() <= INT64_MAX : true)) {
    slot.integer = value.get<std::int64_t>();
    return SQLBindParameter(stmt, number, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 19, 0,
                            &slot.integer, 0, &slot.indicator);
  }
  if (value.is_number_float()) {
    slot.real = value.get<double>();
    return SQLBindParameter(stmt, number, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 15, 0,
                            &slot.real, 0, &slot.indicator);
  }
  // Text, unsigned integers past BIGINT (as their digits), objects and arrays (JSON text).
  slot.text = toWide(sql::bindText(value));
  const SQLULEN units = std::max<SQLULEN>(slot.text.size(), 1);
  slot.indicator = static_cast<SQLLEN>(slot.text.size() * sizeof(SQLWCHAR));
  return SQLBindParameter(stmt, number, SQL_PARAM_INPUT, SQL_C_WCHAR,
                          units > 4000 ? SQL_WLONGVARCHAR : SQL_WVARCHAR, units, 0,
                          slot.text.data(), slot.indicator, &slot.indicator);
}

enum class Kind {
  kInteger,
  kDecimal,
  kReal,
  kDouble,
  kBit,
  kTimestamp,
  kDate,
  kAscii,
  kBinary,
  kText,
  kJson
};

Kind kindOf(SQLSMALLINT type, const std::string& typeName) {
  switch (type) {
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT: return Kind::kInteger;
    case SQL_NUMERIC:
    case SQL_DECIMAL: return Kind::kDecimal;
    case SQL_REAL: return Kind::kReal;
    case SQL_FLOAT:
    case SQL_DOUBLE: return Kind::kDouble;
    case SQL_BIT: return Kind::kBit;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP: return Kind::kTimestamp;
    case SQL_TYPE_DATE:
    case SQL_DATE: return Kind::kDate;
    case SQL_TYPE_TIME:
    case SQL_TIME: return Kind::kAscii;  // the driver's text: a time keeps its fraction
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY: return Kind::kBinary;
    default: break;
  }
  // Drivers that name the type (psqlODBC 13 says "unknown" for json and jsonb, so those
  // stay text there).
  if (typeName == "json" || typeName == "jsonb" || typeName == "JSON") return Kind::kJson;
  return Kind::kText;
}

double widen(float value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf - 1, value);
  if (ec != std::errc()) return value;
  *end = '\0';
  return std::strtod(buf, nullptr);
}

ferry::Json integerFromText(const std::string& text) {
  std::int64_t s;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), s);
  if (ec == std::errc() && p == text.data() + text.size()) return s;
  std::uint64_t u;
  auto [q, ec2] = std::from_chars(text.data(), text.data() + text.size(), u);
  if (ec2 == std::errc() && q == text.data() + text.size()) return u;
  return text;
}

class OdbcCursor final : public sql::RowCursor {
 public:
  OdbcCursor(StmtPtr stmt, ReadOptions options) : stmt_(std::move(stmt)), options_(options) {}

  Status describe() {
    SQLSMALLINT count = 0;
    if (!succeeded(SQLNumResultCols(stmt_.get(), &count))) return error("describing the result");
    if (count == 0) done_ = true;  // not a query
    for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(count); ++i) {
      SQLWCHAR name[256];
      SQLSMALLINT nameLength = 0, type = 0, digits = 0, nullable = 0;
      SQLULEN size = 0;
      if (!succeeded(SQLDescribeColW(stmt_.get(), i, name, 256, &nameLength, &type, &size, &digits,
                                     &nullable))) {
        return error("describing column " + std::to_string(i));
      }
      SQLWCHAR typeName[64] = {};
      SQLSMALLINT typeNameBytes = 0;
      if (!succeeded(SQLColAttributeW(stmt_.get(), i, SQL_DESC_TYPE_NAME, typeName, sizeof typeName,
                                      &typeNameBytes, nullptr))) {
        typeNameBytes = 0;
      }
      Column c;
      c.name = toUtf8(name, std::min<std::size_t>(static_cast<std::size_t>(nameLength), 255));
      const std::string dbType = toUtf8(
          typeName,
          std::min<std::size_t>(static_cast<std::size_t>(typeNameBytes) / sizeof(SQLWCHAR), 63));
      c.kind = kindOf(type, dbType);
      c.digits = std::min<SQLSMALLINT>(std::max<SQLSMALLINT>(digits, 0), 9);
      c.zoned = options_.zonedTimestampsUtc && dbType == "timestamptz";
      columns_.push_back(std::move(c));
    }
    return Status::ok();
  }

  Result<bool> fetch(std::size_t max, std::vector<ferry::Json>& out) override {
    for (std::size_t n = 0; n < max; ++n) {
      if (done_) return false;
      const SQLRETURN rc = SQLFetch(stmt_.get());
      if (rc == SQL_NO_DATA) {
        done_ = true;
        return false;
      }
      if (!succeeded(rc)) return error("reading a row");
      ferry::Json row = ferry::Json::object();
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        auto value = read(static_cast<SQLUSMALLINT>(i + 1), columns_[i]);
        if (!value.isOk()) return value.status();
        row[columns_[i].name] = std::move(*value);
      }
      out.push_back(std::move(row));
    }
    return !done_;
  }

 private:
  struct Column {
    std::string name;
    Kind kind = Kind::kText;
    SQLSMALLINT digits = 0;
    bool zoned = false;
  };

  Status error(const std::string& what) const {
    return diagnosticStatus(SQL_HANDLE_STMT, stmt_.get(), what);
  }

  // A whole variable-length value, read in chunks (SQLGetData continues where the last
  // call stopped); nullopt for NULL. `terminator` is the size of the NUL the driver adds.
  Result<std::optional<std::string>> readBytes(SQLUSMALLINT col, SQLSMALLINT cType,
                                               std::size_t terminator) {
    std::string out;
    char buf[8192];
    const std::size_t capacity = sizeof buf - terminator;
    for (;;) {
      SQLLEN indicator = 0;
      const SQLRETURN rc = SQLGetData(stmt_.get(), col, cType, buf, sizeof buf, &indicator);
      if (rc == SQL_NO_DATA) break;
      if (!succeeded(rc)) return error("reading column " + columns_[col - 1].name);
      if (indicator == SQL_NULL_DATA) return std::optional<std::string>();
      if (indicator == SQL_NO_TOTAL || static_cast<std::size_t>(indicator) > capacity) {
        out.append(buf, capacity);  // truncated (01004): more follows
        continue;
      }
      out.append(buf, static_cast<std::size_t>(indicator));
      break;
    }
    return std::optional<std::string>(std::move(out));
  }

  template <typename T>
  Result<std::optional<T>> readFixed(SQLUSMALLINT col, SQLSMALLINT cType) {
    T value{};
    SQLLEN indicator = 0;
    if (!succeeded(SQLGetData(stmt_.get(), col, cType, &value, sizeof value, &indicator))) {
      return error("reading column " + columns_[col - 1].name);
    }
    if (indicator == SQL_NULL_DATA) return std::optional<T>();
    return std::optional<T>(value);
  }

  Result<ferry::Json> read(SQLUSMALLINT col, const Column& c) {
    switch (c.kind) {
      case Kind::kReal: {
        auto v = readFixed<float>(col, SQL_C_FLOAT);
        if (!v.isOk()) return v.status();
        return *v ? sql::numberOrText(widen(**v)) : ferry::Json();
      }
      case Kind::kDouble: {
        auto v = readFixed<double>(col, SQL_C_DOUBLE);
        if (!v.isOk()) return v.status();
        return *v ? sql::numberOrText(**v) : ferry::Json();
      }
      case Kind::kBit: {
        auto v = readFixed<unsigned char>(col, SQL_C_BIT);
        if (!v.isOk()) return v.status();
        return *v ? ferry::Json(**v != 0) : ferry::Json();
      }
      case Kind::kTimestamp: {
        auto v = readFixed<SQL_TIMESTAMP_STRUCT>(col, SQL_C_TYPE_TIMESTAMP);
        if (!v.isOk()) return v.status();
        return *v ? ferry::Json(timestampText(**v, c)) : ferry::Json();
      }
      case Kind::kDate: {
        auto v = readFixed<SQL_DATE_STRUCT>(col, SQL_C_TYPE_DATE);
        if (!v.isOk()) return v.status();
        if (!*v) return ferry::Json();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", (*v)->year, (*v)->month, (*v)->day);
        return ferry::Json(buf);
      }
      case Kind::kBinary: {
        auto v = readBytes(col, SQL_C_BINARY, 0);
        if (!v.isOk()) return v.status();
        if (!*v) return ferry::Json();
        return ferry::Json(
            sql::base64(reinterpret_cast<const unsigned char*>((*v)->data()), (*v)->size()));
      }
      case Kind::kInteger:
      case Kind::kDecimal:
      case Kind::kAscii: {
        auto v = readBytes(col, SQL_C_CHAR, 1);
        if (!v.isOk()) return v.status();
        if (!*v) return ferry::Json();
        return c.kind == Kind::kInteger ? integerFromText(**v) : ferry::Json(std::move(**v));
      }
      default: {
        auto v = readBytes(col, SQL_C_WCHAR, sizeof(SQLWCHAR));
        if (!v.isOk()) return v.status();
        if (!*v) return ferry::Json();
        std::string text = toUtf8(reinterpret_cast<const SQLWCHAR*>((*v)->data()),
                                  (*v)->size() / sizeof(SQLWCHAR));
        if (c.kind == Kind::kJson) {
          auto parsed = ferry::Json::parse(text, nullptr, false);
          if (!parsed.is_discarded()) return parsed;
        }
        return ferry::Json(std::move(text));
      }
    }
  }

  static std::string timestampText(const SQL_TIMESTAMP_STRUCT& t, const Column& c) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
    std::string out = buf;
    if (c.digits > 0) {
      char frac[24];
      std::snprintf(frac, sizeof frac, "%09lu", static_cast<unsigned long>(t.fraction));
      out += '.';
      out.append(frac, static_cast<std::size_t>(c.digits));
    }
    if (c.zoned) out += 'Z';
    return out;
  }

  StmtPtr stmt_;
  ReadOptions options_;
  std::vector<Column> columns_;
  bool done_ = false;
};

}  // namespace

Result<Executed> runStatement(SQLHDBC dbc, const std::string& sql, const sql::Params& params) {
  SQLHSTMT raw = SQL_NULL_HSTMT;
  if (!succeeded(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &raw))) {
    return diagnosticStatus(SQL_HANDLE_DBC, dbc, "allocating a statement");
  }
  Executed out;
  out.stmt.reset(raw);
  WideString text = toWide(sql);
  SQLRETURN rc;
  if (params.empty()) {
    rc = SQLExecDirectW(raw, text.data(), static_cast<SQLINTEGER>(text.size()));
  } else {
    if (!succeeded(SQLPrepareW(raw, text.data(), static_cast<SQLINTEGER>(text.size())))) {
      return diagnosticStatus(SQL_HANDLE_STMT, raw, "preparing a statement");
    }
    SQLSMALLINT placeholders = 0;
    if (succeeded(SQLNumParams(raw, &placeholders)) &&
        static_cast<std::size_t>(placeholders) != params.size()) {
      return Status::invalidArgument("odbc: the statement has " + std::to_string(placeholders) +
                                     " placeholders but " + std::to_string(params.size()) +
                                     " values to bind");
    }
    std::vector<ParamSlot> slots(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      if (!succeeded(bindParam(raw, static_cast<SQLUSMALLINT>(i + 1), params[i], slots[i]))) {
        return diagnosticStatus(SQL_HANDLE_STMT, raw, "binding parameter " + std::to_string(i + 1));
      }
    }
    rc = SQLExecute(raw);
  }
  if (rc == SQL_NO_DATA) {
    out.noData = true;
  } else if (!succeeded(rc)) {
    return diagnosticStatus(SQL_HANDLE_STMT, raw, "running a statement");
  }
  return out;
}

Result<std::int64_t> changedRows(const Executed& executed) {
  if (executed.noData) return std::int64_t{0};
  SQLLEN rows = 0;
  if (!succeeded(SQLRowCount(executed.stmt.get(), &rows))) {
    return diagnosticStatus(SQL_HANDLE_STMT, executed.stmt.get(), "counting changed rows");
  }
  return static_cast<std::int64_t>(rows < 0 ? 0 : rows);
}

Result<std::unique_ptr<sql::RowCursor>> makeCursor(Executed executed, ReadOptions options) {
  auto cursor = std::make_unique<OdbcCursor>(std::move(executed.stmt), options);
  FERRY_RETURN_IF_ERROR(cursor->describe());
  return std::unique_ptr<sql::RowCursor>(std::move(cursor));
}

}  // namespace ferry::agent::connectors::odbc
