#include "agent/connectors/sql/sql_source.h"

#include "agent/connectors/sql/sql_names.h"

namespace ferry::agent::connectors::sql {

namespace {

class SqlSource final : public Source {
 public:
  SqlSource(std::unique_ptr<SqlDriver> driver, const model::Export& spec)
      : driver_(std::move(driver)), spec_(spec) {}

  Outcome open(const ferry::Json& progress) override {
    cursor_.reset();
    boundary_ = ferry::Json();
    pastBoundary_ = true;
    ferry::Json values = ferry::Json::object();
    if (spec_.delta) {
      if (progress.is_object() && progress.contains("field")) {
        values["since"] = progress["field"];
        if (!spec_.delta->key.empty() && progress.contains("key")) {
          boundary_ = progress;
          pastBoundary_ = false;
        }
      } else {
        values["since"] = spec_.delta->initial;
      }
    }
    Params params;
    const std::string what = "export " + spec_.id;
    auto sql = bindNamedParameters(*driver_, spec_.options.value("query", std::string()), values,
                                   params, what);
    if (!sql.isOk()) return Outcome::fatal(sql.status());
    auto cursor = driver_->query(*sql, params, static_cast<std::size_t>(spec_.pageSize));
    if (!cursor.isOk()) {
      if (cursor.status().code() == StatusCode::kUnavailable) (void)driver_->reconnect();
      return Outcome(cursor.status().withContext(what));
    }
    cursor_ = std::move(*cursor);
    exhausted_ = false;
    return {};
  }

  Outcome next(std::optional<ExportPage>& page) override {
    page.reset();
    if (!cursor_)
      return Outcome::fatal(
          Status::failedPrecondition("export " + spec_.id + ": next() before open()"));
    const std::size_t pageSize = static_cast<std::size_t>(spec_.pageSize);
    std::vector<ferry::Json> rows;
    rows.reserve(pageSize);
    // Rows dropped at the boundary do not count towards the page, so keep fetching until
    // the page is full or the result ends.
    while (rows.size() < pageSize && !exhausted_) {
      const std::size_t before = rows.size();
      auto more = cursor_->fetch(pageSize - rows.size(), rows);
      if (!more.isOk()) {
        cursor_.reset();
        if (more.status().code() == StatusCode::kUnavailable) (void)driver_->reconnect();
        return Outcome(more.status().withContext("export " + spec_.id));
      }
      exhausted_ = !*more;
      if (!pastBoundary_) {
        Status dropped = dropExported(rows, before);
        if (!dropped.isOk()) return Outcome::fatal(dropped);
      }
    }
    if (rows.empty()) {
      cursor_.reset();  // ends the read (and the engine's read transaction)
      return {};
    }
    ExportPage out;
    if (spec_.delta) {
      const ferry::Json& last = rows.back();
      auto field = last.find(spec_.delta->field);
      if (field == last.end()) {
        return Outcome::fatal(
            Status::invalidArgument("export " + spec_.id + ": the query's rows have no column \"" +
                                    spec_.delta->field + "\" (delta.field); select it"));
      }
      out.progress = {{"field", *field}};
      if (!spec_.delta->key.empty()) {
        auto key = last.find(spec_.delta->key);
        if (key == last.end()) {
          return Outcome::fatal(Status::invalidArgument(
              "export " + spec_.id + ": the query's rows have no column \"" + spec_.delta->key +
              "\" (delta.key); select it"));
        }
        out.progress["key"] = *key;
      }
    }
    out.records = std::move(rows);
    page = std::move(out);
    return {};
  }

 private:
  // Drops, from rows[from..], the rows at the start of the result that the previous read
  // already exported: field equal to the watermark and key not above its key.
  Status dropExported(std::vector<ferry::Json>& rows, std::size_t from) {
    const auto& field = spec_.delta->field;
    const auto& key = spec_.delta->key;
    std::size_t keep = from;
    while (keep < rows.size()) {
      const auto& row = rows[keep];
      auto f = row.find(field);
      auto k = row.find(key);
      if (f == row.end() || k == row.end()) {
        return Status::invalidArgument("export " + spec_.id + ": the query's rows need columns \"" +
                                       field + "\" and \"" + key + "\" (delta.field, delta.key)");
      }
      if (compareWatermarkValues(*f, boundary_["field"]) != 0 ||
          compareWatermarkValues(*k, boundary_["key"]) > 0) {
        pastBoundary_ = true;
        break;
      }
      ++keep;
    }
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(from),
               rows.begin() + static_cast<std::ptrdiff_t>(keep));
    return Status::ok();
  }

  std::unique_ptr<SqlDriver> driver_;
  model::Export spec_;
  std::unique_ptr<RowCursor> cursor_;
  ferry::Json boundary_;
  bool pastBoundary_ = true;
  bool exhausted_ = false;
};

}  // namespace

int compareWatermarkValues(const ferry::Json& a, const ferry::Json& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_number_integer() && b.is_number_integer()) {
      auto x = a.get<std::int64_t>();
      auto y = b.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    auto x = a.get<double>();
    auto y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  int c = a.dump().compare(b.dump());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::unique_ptr<Source> makeSqlSource(std::unique_ptr<SqlDriver> driver,
                                      const model::Export& spec) {
  return std::make_unique<SqlSource>(std::move(driver), spec);
}

}  // namespace ferry::agent::connectors::sql
