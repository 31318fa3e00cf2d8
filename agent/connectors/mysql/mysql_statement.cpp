#include "agent/connectors/mysql/mysql_statement.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <vector>

#include "agent/connectors/mysql/mysql_errors.h"
#include "agent/connectors/mysql/mysql_time.h"
#include "agent/connectors/sql/sql_values.h"

namespace ferry::agent::connectors::mysql {

namespace {

constexpr unsigned kBinaryCharset = 63;  // charsetnr of BINARY, VARBINARY, BLOB

// Storage for one bound parameter; must not move while the binds point into it.
struct ParamSlot {
  std::int64_t integer = 0;
  double real = 0;
  signed char flag = 0;
  MYSQL_TIME time{};
  std::string text;
  unsigned long length = 0;
};

void bindParam(const ferry::Json& value, ParamSlot& slot, MYSQL_BIND& bind) {
  if (value.is_null()) {
    bind.buffer_type = MYSQL_TYPE_NULL;
  } else if (value.is_boolean()) {
    slot.flag = value.get<bool>() ? 1 : 0;
    bind.buffer_type = MYSQL_TYPE_TINY;
    bind.buffer = &slot.flag;
  } else if (value.is_number_unsigned()) {
    slot.integer = static_cast<std::int64_t>(value.get<std::uint64_t>());
    bind.buffer_type = MYSQL_TYPE_LONGLONG;
    bind.buffer = &slot.integer;
    bind.is_unsigned = 1;
  } else if (value.is_number_integer()) {
    slot.integer = value.get<std::int64_t>();
    bind.buffer_type = MYSQL_TYPE_LONGLONG;
    bind.buffer = &slot.integer;
  } else if (value.is_number_float()) {
    slot.real = value.get<double>();
    bind.buffer_type = MYSQL_TYPE_DOUBLE;
    bind.buffer = &slot.real;
  } else if (auto time = value.is_string()
                             ? parseZonedTimestamp(value.get_ref<const std::string&>())
                             : std::nullopt) {
    slot.time = *time;
    bind.buffer_type = MYSQL_TYPE_DATETIME;
    bind.buffer = &slot.time;
  } else {
    slot.text = sql::bindText(value);
    slot.length = static_cast<unsigned long>(slot.text.size());
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = slot.text.data();
    bind.buffer_length = slot.length;
    bind.length = &slot.length;
  }
}

enum class Kind { kNull, kSigned, kUnsigned, kFloat, kDouble, kText, kBinary, kBit, kJson, kTime };

Kind kindOf(const MYSQL_FIELD& field) {
  switch (field.type) {
    case MYSQL_TYPE_NULL: return Kind::kNull;
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR: return field.flags & UNSIGNED_FLAG ? Kind::kUnsigned : Kind::kSigned;
    case MYSQL_TYPE_FLOAT: return Kind::kFloat;
    case MYSQL_TYPE_DOUBLE: return Kind::kDouble;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL: return Kind::kText;  // exact decimal text, never a double
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
    case MYSQL_TYPE_TIME:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP: return Kind::kTime;
    case MYSQL_TYPE_BIT: return Kind::kBit;
    case MYSQL_TYPE_JSON: return Kind::kJson;
    default: break;
  }
  if (field.charsetnr == kBinaryCharset) return Kind::kBinary;
  // MariaDB's JSON is LONGTEXT; its extended metadata names the format.
  MARIADB_CONST_STRING format{};
  if (mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) == 0 &&
      std::string_view(format.str, format.length) == "json") {
    return Kind::kJson;
  }
  return Kind::kText;
}

ferry::Json integerJson(std::uint64_t value) {
  if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

// A FLOAT column holds a float: widening it as-is would print 0.1 as 0.10000000149011612.
// The shortest text that reads back as the same float keeps what the database shows.
double widen(float value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf - 1, value);
  if (ec != std::errc()) return value;
  *end = '\0';
  return std::strtod(buf, nullptr);
}

class MysqlCursor final : public sql::RowCursor {
 public:
  explicit MysqlCursor(StmtPtr stmt) : stmt_(std::move(stmt)) {}

  Status bind() {
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_.get());
    if (meta == nullptr) {
      done_ = true;  // a statement without a result set
      return Status::ok();
    }
    const unsigned count = mysql_num_fields(meta);
    const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    columns_.resize(count);
    binds_.assign(count, MYSQL_BIND{});
    for (unsigned i = 0; i < count; ++i) {
      Column& c = columns_[i];
      c.name.assign(fields[i].name, fields[i].name_length);
      c.kind = kindOf(fields[i]);
      c.type = fields[i].type;
      c.decimals = fields[i].decimals;
      MYSQL_BIND& b = binds_[i];
      b.is_null = &c.isNull;
      b.length = &c.length;
      b.error = &c.error;
      switch (c.kind) {
        case Kind::kNull: b.buffer_type = MYSQL_TYPE_NULL; break;
        case Kind::kSigned:
        case Kind::kUnsigned:
          b.buffer_type = MYSQL_TYPE_LONGLONG;
          b.buffer = &c.integer;
          b.is_unsigned = c.kind == Kind::kUnsigned;
          break;
        case Kind::kFloat:
          b.buffer_type = MYSQL_TYPE_FLOAT;
          b.buffer = &c.single;
          break;
        case Kind::kDouble:
          b.buffer_type = MYSQL_TYPE_DOUBLE;
          b.buffer = &c.real;
          break;
        case Kind::kTime:
          b.buffer_type = c.type;
          b.buffer = &c.time;
          break;
        default:
          c.bytes.resize(std::clamp<unsigned long>(fields[i].length + 1, 32, 1024));
          b.buffer_type = MYSQL_TYPE_BLOB;
          b.buffer = c.bytes.data();
          b.buffer_length = static_cast<unsigned long>(c.bytes.size());
          break;
      }
    }
    mysql_free_result(meta);
    if (mysql_stmt_bind_result(stmt_.get(), binds_.data())) {
      return statementError(stmt_.get(), "binding result columns");
    }
    return Status::ok();
  }

  Result<bool> fetch(std::size_t max, std::vector<ferry::Json>& out) override {
    for (std::size_t n = 0; n < max; ++n) {
      if (done_) return false;
      const int rc = mysql_stmt_fetch(stmt_.get());
      if (rc == MYSQL_NO_DATA) {
        done_ = true;
        return false;
      }
      if (rc == 1) return statementError(stmt_.get(), "reading a row");
      if (rc == MYSQL_DATA_TRUNCATED) FERRY_RETURN_IF_ERROR(readLongValues());
      ferry::Json row = ferry::Json::object();
      for (auto& c : columns_) row[c.name] = decode(c);
      out.push_back(std::move(row));
    }
    return !done_;
  }

 private:
  struct Column {
    std::string name;
    Kind kind = Kind::kText;
    enum_field_types type = MYSQL_TYPE_STRING;
    unsigned decimals = 0;
    std::uint64_t integer = 0;
    float single = 0;
    double real = 0;
    MYSQL_TIME time{};
    std::vector<char> bytes;
    unsigned long length = 0;
    my_bool isNull = 0;
    my_bool error = 0;
  };

  // Values longer than their buffer: read the rest of this row's value and grow the buffer
  // so later rows of similar size fit the first time.
  Status readLongValues() {
    bool grown = false;
    for (unsigned i = 0; i < columns_.size(); ++i) {
      Column& c = columns_[i];
      if (c.isNull || c.bytes.empty() || c.length <= c.bytes.size()) continue;
      c.bytes.resize(c.length);
      MYSQL_BIND b{};
      b.buffer_type = MYSQL_TYPE_BLOB;
      b.buffer = c.bytes.data();
      b.buffer_length = c.length;
      b.length = &c.length;
      if (mysql_stmt_fetch_column(stmt_.get(), &b, i, 0)) {
        return statementError(stmt_.get(), "reading column " + c.name);
      }
      binds_[i].buffer = c.bytes.data();
      binds_[i].buffer_length = static_cast<unsigned long>(c.bytes.size());
      grown = true;
    }
    if (grown && mysql_stmt_bind_result(stmt_.get(), binds_.data())) {
      return statementError(stmt_.get(), "binding result columns");
    }
    return Status::ok();
  }

  static ferry::Json decode(const Column& c) {
    if (c.isNull || c.kind == Kind::kNull) return nullptr;
    switch (c.kind) {
      case Kind::kSigned: return static_cast<std::int64_t>(c.integer);
      case Kind::kUnsigned: return integerJson(c.integer);
      case Kind::kFloat: return sql::numberOrText(widen(c.single));
      case Kind::kDouble: return sql::numberOrText(c.real);
      case Kind::kTime: return formatTemporal(c.time, c.type, c.decimals);
      case Kind::kBinary:
        return sql::base64(reinterpret_cast<const unsigned char*>(c.bytes.data()), c.length);
      case Kind::kBit: {
        std::uint64_t v = 0;  // big-endian, at most 8 bytes (BIT(64))
        for (unsigned long i = 0; i < c.length && i < 8; ++i) {
          v = (v << 8) | static_cast<unsigned char>(c.bytes[i]);
        }
        return integerJson(v);
      }
      case Kind::kJson: {
        auto parsed =
            ferry::Json::parse(c.bytes.begin(), c.bytes.begin() + c.length, nullptr, false);
        if (!parsed.is_discarded()) return parsed;
        return std::string(c.bytes.data(), c.length);
      }
      default: return std::string(c.bytes.data(), c.length);
    }
  }

  StmtPtr stmt_;
  std::vector<Column> columns_;  // sized once: binds_ point into it
  std::vector<MYSQL_BIND> binds_;
  bool done_ = false;
};

}  // namespace

Result<StmtPtr> runPrepared(MYSQL* db, const std::string& sql, const sql::Params& params) {
  StmtPtr stmt(mysql_stmt_init(db));
  if (!stmt) return connectionError(db, "preparing a statement");
  if (mysql_stmt_prepare(stmt.get(), sql.data(), static_cast<unsigned long>(sql.size()))) {
    return statementError(stmt.get(), "preparing a statement");
  }
  const unsigned long placeholders = mysql_stmt_param_count(stmt.get());
  if (placeholders != params.size()) {
    return Status::invalidArgument("mysql: the statement has " + std::to_string(placeholders) +
                                   " placeholders but " + std::to_string(params.size()) +
                                   " values to bind");
  }
  std::vector<ParamSlot> slots(params.size());
  std::vector<MYSQL_BIND> binds(params.size(), MYSQL_BIND{});
  for (std::size_t i = 0; i < params.size(); ++i) bindParam(params[i], slots[i], binds[i]);
  if (!params.empty() && mysql_stmt_bind_param(stmt.get(), binds.data())) {
    return statementError(stmt.get(), "binding parameters");
  }
  if (mysql_stmt_execute(stmt.get())) return statementError(stmt.get(), "running a statement");
  return stmt;
}

Result<std::unique_ptr<sql::RowCursor>> makeCursor(StmtPtr stmt) {
  auto cursor = std::make_unique<MysqlCursor>(std::move(stmt));
  FERRY_RETURN_IF_ERROR(cursor->bind());
  return std::unique_ptr<sql::RowCursor>(std::move(cursor));
}

}  // namespace ferry::agent::connectors::mysql
