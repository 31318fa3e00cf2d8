#include "agent/connectors/sql/sql_lookup.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "agent/connectors/sql/sql_names.h"
#include "common/transform/record_path.h"

namespace ferry::agent::connectors::sql {

namespace {

// The text a value matches by: strings as they are, integral numbers without a fraction,
// everything else as JSON.
std::string matchText(const ferry::Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (d == static_cast<double>(static_cast<long long>(d))) {
      return std::to_string(static_cast<long long>(d));
    }
  }
  return v.dump();
}

struct Binding {
  std::string name;  // column (match form) or parameter (query form)
  transform::RecordPath path;
};

// Rows per key text; a key is the match texts of its values joined with '\x1f'.
class KeyedRows final : public transform::LookupRows {
 public:
  KeyedRows(std::string lookupId, const std::vector<Binding>* bindings)
      : lookupId_(std::move(lookupId)), bindings_(bindings) {}

  const std::vector<ferry::Json>* rowsFor(const std::string& lookupId,
                                          const ferry::Json& record) const override {
    if (lookupId != lookupId_) return nullptr;
    auto key = keyOf(*bindings_, record);
    if (!key) return &empty_;
    auto it = rows_.find(*key);
    return it == rows_.end() ? &empty_ : &it->second;
  }

  static std::optional<std::string> keyOf(const std::vector<Binding>& bindings,
                                          const ferry::Json& record) {
    std::string key;
    for (const auto& b : bindings) {
      const ferry::Json* v = b.path.find(record);
      if (v == nullptr || v->is_null()) return std::nullopt;
      if (!key.empty()) key += '\x1f';
      key += matchText(*v);
    }
    return key;
  }

  std::unordered_map<std::string, std::vector<ferry::Json>>& rows() { return rows_; }

 private:
  std::string lookupId_;
  const std::vector<Binding>* bindings_;
  std::unordered_map<std::string, std::vector<ferry::Json>> rows_;
  const std::vector<ferry::Json> empty_;
};

class SqlLookup final : public LookupSource {
 public:
  SqlLookup(std::unique_ptr<SqlDriver> driver, const model::Lookup& spec, std::string table,
            std::vector<Binding> bindings, std::vector<std::string> fields, std::string query)
      : driver_(std::move(driver)),
        id_(spec.id),
        table_(std::move(table)),
        bindings_(std::move(bindings)),
        fields_(std::move(fields)),
        query_(std::move(query)) {}

  Fetched fetch(const std::vector<ferry::Json>& records) override {
    Fetched out;
    if (broken_) {
      Status reopened = driver_->reconnect();
      if (!reopened.isOk()) {
        out.outcome = Outcome(reopened.withContext("lookup " + id_));
        return out;
      }
      broken_ = false;
    }
    auto rows = std::make_unique<KeyedRows>(id_, &bindings_);
    // Distinct keys with the values that produce them, in first-seen order.
    std::vector<std::pair<std::string, std::vector<ferry::Json>>> keys;
    std::set<std::string> seen;
    for (const auto& record : records) {
      auto key = KeyedRows::keyOf(bindings_, record);
      if (!key || !seen.insert(*key).second) continue;
      std::vector<ferry::Json> values;
      for (const auto& b : bindings_) values.push_back(*b.path.find(record));
      keys.emplace_back(*key, std::move(values));
    }
    Status fetched = query_.empty() ? fetchMatching(keys, *rows) : fetchPerKey(keys, *rows);
    if (!fetched.isOk()) {
      if (fetched.code() == StatusCode::kUnavailable) broken_ = true;
      out.outcome = Outcome(fetched.withContext("lookup " + id_));
      return out;
    }
    out.rows = std::move(rows);
    return out;
  }

 private:
  Status fetchMatching(const std::vector<std::pair<std::string, std::vector<ferry::Json>>>& keys,
                       KeyedRows& rows) {
    const std::size_t perKey = bindings_.size();
    constexpr std::size_t kMaxKeysPerQuery = 500;
    const std::size_t chunk =
        std::max<std::size_t>(1, std::min(kMaxKeysPerQuery, driver_->maxParameters() / perKey));
    std::string select = "SELECT ";
    if (fields_.empty()) {
      select += "*";
    } else {
      std::set<std::string> columns(fields_.begin(), fields_.end());
      for (const auto& b : bindings_) columns.insert(b.name);
      bool first = true;
      for (const auto& c : columns) {
        select += (first ? "" : ", ") + driver_->quoteIdentifier(c);
        first = false;
      }
    }
    select += " FROM " + table_ + " WHERE ";
    for (std::size_t start = 0; start < keys.size(); start += chunk) {
      const std::size_t count = std::min(chunk, keys.size() - start);
      Params params;
      std::string where;
      if (perKey == 1) {
        where = driver_->quoteIdentifier(bindings_[0].name) + " IN (";
        for (std::size_t i = 0; i < count; ++i) {
          where += (i ? ", " : "") + driver_->placeholder(params.size());
          params.push_back(keys[start + i].second[0]);
        }
        where += ")";
      } else {
        for (std::size_t i = 0; i < count; ++i) {
          where += i ? " OR (" : "(";
          for (std::size_t b = 0; b < perKey; ++b) {
            where += (b ? " AND " : "") + driver_->quoteIdentifier(bindings_[b].name) + " = " +
                     driver_->placeholder(params.size());
            params.push_back(keys[start + i].second[b]);
          }
          where += ")";
        }
      }
      std::vector<ferry::Json> fetched;
      FERRY_RETURN_IF_ERROR(readAll(select + where, params, fetched));
      for (auto& row : fetched) {
        std::string key;
        for (std::size_t b = 0; b < perKey; ++b) {
          auto v = row.find(bindings_[b].name);
          if (v == row.end()) break;
          if (b) key += '\x1f';
          key += matchText(*v);
        }
        rows.rows()[key].push_back(project(std::move(row)));
      }
    }
    return Status::ok();
  }

  Status fetchPerKey(const std::vector<std::pair<std::string, std::vector<ferry::Json>>>& keys,
                     KeyedRows& rows) {
    for (const auto& [key, values] : keys) {
      ferry::Json named = ferry::Json::object();
      for (std::size_t b = 0; b < bindings_.size(); ++b) named[bindings_[b].name] = values[b];
      Params params;
      auto sql = bindNamedParameters(*driver_, query_, named, params, "lookup " + id_);
      if (!sql.isOk()) return sql.status();
      std::vector<ferry::Json> fetched;
      FERRY_RETURN_IF_ERROR(readAll(*sql, params, fetched));
      auto& slot = rows.rows()[key];
      for (auto& row : fetched) slot.push_back(project(std::move(row)));
    }
    return Status::ok();
  }

  Status readAll(const std::string& sql, const Params& params, std::vector<ferry::Json>& out) {
    auto rows = driver_->queryAll(sql, params);
    if (!rows.isOk()) return rows.status();
    out = std::move(*rows);
    return Status::ok();
  }

  ferry::Json project(ferry::Json row) const {
    if (fields_.empty()) return row;
    ferry::Json out = ferry::Json::object();
    for (const auto& f : fields_) {
      auto v = row.find(f);
      out[f] = v == row.end() ? ferry::Json() : std::move(*v);
    }
    return out;
  }

  std::unique_ptr<SqlDriver> driver_;
  std::string id_;
  std::string table_;
  std::vector<Binding> bindings_;
  std::vector<std::string> fields_;
  std::string query_;
  bool broken_ = false;
};

}  // namespace

Result<std::unique_ptr<LookupSource>> makeSqlLookup(std::unique_ptr<SqlDriver> driver,
                                                    const model::Lookup& spec) {
  const std::string what = "lookup " + spec.id;
  const auto& o = spec.options;
  std::vector<Binding> bindings;
  std::string table;
  std::string query = o.value("query", std::string());
  const char* bindingsField = query.empty() ? "match" : "params";
  if (query.empty()) {
    auto quoted = quoteTable(*driver, o.value("table", std::string()), what + ": table");
    if (!quoted.isOk()) return quoted.status();
    table = *quoted;
  }
  if (!o.contains(bindingsField) || !o[bindingsField].is_object() || o[bindingsField].empty()) {
    return Status::invalidArgument(what + ": `" + bindingsField +
                                   "` must map at least one name to a record path");
  }
  for (const auto& [name, path] : o[bindingsField].items()) {
    if (query.empty()) FERRY_RETURN_IF_ERROR(validateIdentifier(name, what + ": match"));
    if (!path.is_string()) {
      return Status::invalidArgument(what + ": " + bindingsField + "/" + name +
                                     ": must be a record path (a string)");
    }
    auto parsed = transform::RecordPath::parse(path.get<std::string>());
    if (!parsed.isOk())
      return parsed.status().withContext(what + ": " + bindingsField + "/" + name);
    bindings.push_back({name, std::move(*parsed)});
  }
  std::vector<std::string> fields;
  if (o.contains("fields") && o["fields"].is_array()) {
    for (const auto& f : o["fields"]) {
      if (!f.is_string()) return Status::invalidArgument(what + ": fields: names must be strings");
      FERRY_RETURN_IF_ERROR(validateIdentifier(f.get<std::string>(), what + ": fields"));
      fields.push_back(f.get<std::string>());
    }
  }
  return std::unique_ptr<LookupSource>(
      std::make_unique<SqlLookup>(std::move(driver), spec, std::move(table), std::move(bindings),
                                  std::move(fields), std::move(query)));
}

}  // namespace ferry::agent::connectors::sql
