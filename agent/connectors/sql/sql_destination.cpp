#include "agent/connectors/sql/sql_destination.h"

#include <algorithm>
#include <map>
#include <set>

#include "agent/connectors/sql/sql_names.h"

namespace ferry::agent::connectors::sql {

namespace {

enum class Mode { kInsert, kUpdate, kUpsert };

std::string utcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class SqlDestination final : public Destination {
 public:
  SqlDestination(std::unique_ptr<SqlDriver> driver, const model::Import& spec, std::string table,
                 Mode mode, std::vector<std::string> keys)
      : driver_(std::move(driver)),
        id_(spec.id),
        table_(std::move(table)),
        mode_(mode),
        keys_(std::move(keys)) {}

  Status ensureCheckpointTable() {
    auto probe = driver_->queryAll(
        "SELECT last_seq FROM " + std::string(kCheckpointTable) + " WHERE 1 = 0", {});
    if (probe.isOk()) return Status::ok();
    if (probe.status().code() != StatusCode::kFailedPrecondition) return probe.status();
    auto created =
        driver_->execute("CREATE TABLE " + std::string(kCheckpointTable) +
                             " (queue_id VARCHAR(64) NOT NULL, flow_id VARCHAR(64) NOT NULL,"
                             " import_id VARCHAR(64) NOT NULL, topic VARCHAR(200) NOT NULL,"
                             " last_seq BIGINT NOT NULL, updated_at VARCHAR(32) NOT NULL,"
                             " PRIMARY KEY (queue_id, flow_id, import_id, topic))",
                         {});
    if (created.isOk()) return Status::ok();
    // Another agent (or import) may have created it in the meantime.
    auto again = driver_->queryAll(
        "SELECT last_seq FROM " + std::string(kCheckpointTable) + " WHERE 1 = 0", {});
    return again.isOk() ? Status::ok() : created.status();
  }

  PageWrite write(const PageId& page, const std::vector<ferry::Json>& rows) override {
    return writeTogether({{page, &rows}}).front();
  }

  // Row-by-row writes gain nothing from sharing a transaction: those go page by page.
  std::vector<PageWrite> writePages(const std::vector<PageRows>& pages) override {
    if (pages.empty()) return {};
    bool together = writesInBulk();
    for (const auto& p : pages) together = together && samePageStream(p.page, pages.front().page);
    return together ? writeTogether(pages) : Destination::writePages(pages);
  }

  Result<std::optional<std::uint64_t>> checkpoint(const PageId& page) override {
    return readCheckpoint(page);
  }

 private:
  // Updates (and portable upserts) need a statement per row anyway; the rest goes in bulk.
  bool writesInBulk() const {
    return mode_ == Mode::kInsert ||
           (mode_ == Mode::kUpsert && driver_->upsertStyle() != UpsertStyle::kUpdateThenInsert);
  }

  static bool samePageStream(const PageId& a, const PageId& b) {
    return a.queueId == b.queueId && a.flowId == b.flowId && a.importId == b.importId &&
           a.topic == b.topic;
  }

  // Pages of one (queue, flow, import, topic) in seq order (several only when they are
  // written in bulk), in one transaction that ends
  // with the last page's checkpoint. A page the checkpoint covers is not written again.
  std::vector<PageWrite> writeTogether(const std::vector<PageRows>& pages) {
    std::vector<PageWrite> results(pages.size());
    auto failAll = [&](const Status& status) {
      const PageWrite failed = fail(status);
      for (auto& r : results) r = failed;
      return results;
    };
    auto abortAll = [&](const Status& status) {
      (void)driver_->rollback();
      return failAll(status);
    };
    if (broken_) {
      Status reopened = driver_->reconnect();
      if (!reopened.isOk()) return failAll(reopened);
      broken_ = false;
    }
    Status begun = driver_->begin();
    if (!begun.isOk()) return failAll(begun);
    auto covered = readCheckpoint(pages.front().page);
    if (!covered.isOk()) return abortAll(covered.status());

    std::vector<const ferry::Json*> valid;
    std::vector<std::size_t> validIndex;  // index of each valid row in its page
    bool anyNew = false;
    for (std::size_t p = 0; p < pages.size(); ++p) {
      if (*covered && **covered >= pages[p].page.seq) {
        results[p].alreadyWritten = true;
        continue;
      }
      anyNew = true;
      const auto& rows = *pages[p].rows;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string problem = checkRow(rows[i]);
        if (problem.empty()) {
          valid.push_back(&rows[i]);
          validIndex.push_back(i);
        } else {
          results[p].failures.push_back({i, problem});
        }
      }
    }
    if (!anyNew) {
      (void)driver_->rollback();
      return results;
    }

    // Several pages only come here in bulk (writePages).
    const bool bulk = writesInBulk();
    Status written =
        bulk ? writeBulk(valid) : writeRowByRow(valid, validIndex, results.front().failures);
    if (bulk && written.code() == StatusCode::kInvalidArgument) {
      // The database refused some data: start again row by row so only those rows fail,
      // each page on its own.
      (void)driver_->rollback();
      if (pages.size() > 1) return Destination::writePages(pages);
      begun = driver_->begin();
      if (!begun.isOk()) return failAll(begun);
      // A new transaction looks at the checkpoint again. Its first statement must not be a
      // savepoint: psqlODBC loses one that began the transaction when the next statement fails.
      covered = readCheckpoint(pages.front().page);
      if (!covered.isOk()) return abortAll(covered.status());
      if (*covered && **covered >= pages.front().page.seq) {
        (void)driver_->rollback();
        results.front() = PageWrite{};
        results.front().alreadyWritten = true;
        return results;
      }
      written = writeRowByRow(valid, validIndex, results.front().failures);
    }
    if (!written.isOk()) return abortAll(written);
    const auto last = std::max_element(
        pages.begin(), pages.end(),
        [](const PageRows& a, const PageRows& b) { return a.page.seq < b.page.seq; });
    Status checkpointed = writeCheckpoint(last->page);
    if (!checkpointed.isOk()) return abortAll(checkpointed);
    Status committed = driver_->commit();
    if (!committed.isOk()) return abortAll(committed);
    for (auto& r : results) {
      std::sort(r.failures.begin(), r.failures.end(),
                [](const RecordFailure& a, const RecordFailure& b) { return a.index < b.index; });
    }
    return results;
  }

  PageWrite fail(const Status& status) {
    if (status.code() == StatusCode::kUnavailable) broken_ = true;
    PageWrite w;
    w.outcome = Outcome(status.withContext("import " + id_));
    return w;
  }

  std::string checkRow(const ferry::Json& row) {
    if (!row.is_object()) return "the row to write is not an object (a mapping must produce one)";
    if (row.empty()) return "the row to write has no columns";
    // Rows of a page mostly share one set of columns: names checked for the last row's set
    // need no lookup of each one.
    if (!sameColumns(row, lastValidShape_)) {
      for (const auto& [column, value] : row.items()) {
        if (validColumns_.count(column) > 0) continue;
        Status valid = validateIdentifier(column, "column");
        if (!valid.isOk()) return valid.message();
        validColumns_.insert(column);
      }
      lastValidShape_ = columnsOf(row);
    }
    for (const auto& key : keys_) {
      auto k = row.find(key);
      if (k == row.end() || k->is_null())
        return "the row has no value for key column \"" + key + "\"";
    }
    return "";
  }

  static bool sameColumns(const ferry::Json& row, const std::vector<std::string>& columns) {
    if (row.size() != columns.size()) return false;
    std::size_t i = 0;
    for (const auto& [column, value] : row.items()) {
      if (column != columns[i++]) return false;
    }
    return true;
  }

  static std::vector<std::string> columnsOf(const ferry::Json& row) {
    std::vector<std::string> columns;
    columns.reserve(row.size());
    for (const auto& [column, value] : row.items()) columns.push_back(column);
    return columns;  // nlohmann objects iterate in sorted key order
  }

  Status writeBulk(const std::vector<const ferry::Json*>& rows) {
    // One bulk write per shape, so a column a row leaves out keeps its default there.
    std::map<std::vector<std::string>, std::vector<const ferry::Json*>> shapes;
    std::vector<const ferry::Json*>* last = nullptr;
    const std::vector<std::string>* lastColumns = nullptr;
    for (const auto* row : rows) {
      // Rows of a page mostly share one shape: compare with the last one before building a key.
      if (last != nullptr && sameColumns(*row, *lastColumns)) {
        last->push_back(row);
        continue;
      }
      auto it = shapes.try_emplace(columnsOf(*row)).first;
      it->second.push_back(row);
      last = &it->second;
      lastColumns = &it->first;
    }
    for (const auto& [columns, group] : shapes) {
      BulkWrite w;
      w.table = table_;
      w.columns = columns;
      w.keys = keys_;
      w.upsert = mode_ == Mode::kUpsert;
      w.rows = &group;
      FERRY_RETURN_IF_ERROR(driver_->bulkWrite(w));
    }
    return Status::ok();
  }

  Status writeRowByRow(const std::vector<const ferry::Json*>& rows,
                       const std::vector<std::size_t>& indexes,
                       std::vector<RecordFailure>& failures) {
    const std::string savepoint = "ferry_row";
    for (std::size_t r = 0; r < rows.size(); ++r) {
      FERRY_RETURN_IF_ERROR(driver_->savepoint(savepoint));
      Status one = writeOne(*rows[r]);
      if (one.code() == StatusCode::kInvalidArgument) {
        FERRY_RETURN_IF_ERROR(driver_->rollbackToSavepoint(savepoint));
        failures.push_back({indexes[r], one.message()});
        continue;
      }
      FERRY_RETURN_IF_ERROR(one);
      FERRY_RETURN_IF_ERROR(driver_->releaseSavepoint(savepoint));
    }
    return Status::ok();
  }

  Status writeOne(const ferry::Json& row) {
    const std::vector<std::string> columns = columnsOf(row);
    if (mode_ == Mode::kInsert) return insertOne(row, columns, {});
    if (mode_ == Mode::kUpsert && driver_->upsertStyle() != UpsertStyle::kUpdateThenInsert) {
      return insertOne(row, columns, keys_);
    }
    auto updated = updateOne(row, columns);
    if (!updated.isOk()) return updated.status();
    if (*updated > 0) return Status::ok();
    // Engines count rows whose values did not change as unchanged (MySQL): look before
    // calling the row missing.
    auto exists = rowExists(row);
    if (!exists.isOk()) return exists.status();
    if (*exists) return Status::ok();
    if (mode_ == Mode::kUpsert) return insertOne(row, columns, {});
    ferry::Json key = ferry::Json::object();
    for (const auto& k : keys_) key[k] = row.at(k);
    return Status::invalidArgument("no row with key " + key.dump() + " to update");
  }

  Status insertOne(const ferry::Json& row, const std::vector<std::string>& columns,
                   const std::vector<std::string>& upsertKeys) {
    Params params;
    for (const auto& c : columns) params.push_back(row.at(c));
    return driver_->execute(driver_->insertSql(table_, columns, 1, upsertKeys), params).status();
  }

  Result<std::int64_t> updateOne(const ferry::Json& row, const std::vector<std::string>& columns) {
    Params params;
    std::string sql = "UPDATE " + table_ + " SET ";
    bool first = true;
    for (const auto& c : columns) {
      if (std::find(keys_.begin(), keys_.end(), c) != keys_.end()) continue;
      sql += (first ? "" : ", ") + driver_->quoteIdentifier(c) + " = " +
             driver_->placeholder(params.size());
      params.push_back(row.at(c));
      first = false;
    }
    if (first) {  // only key columns: nothing to change, the row only has to exist
      const std::string q = driver_->quoteIdentifier(keys_.front());
      sql += q + " = " + q;
    }
    sql += whereKeys(row, params);
    return driver_->execute(sql, params);
  }

  std::string whereKeys(const ferry::Json& row, Params& params) const {
    std::string sql = " WHERE ";
    for (std::size_t k = 0; k < keys_.size(); ++k) {
      sql += (k ? " AND " : "") + driver_->quoteIdentifier(keys_[k]) + " = " +
             driver_->placeholder(params.size());
      params.push_back(row.at(keys_[k]));
    }
    return sql;
  }

  Result<bool> rowExists(const ferry::Json& row) {
    Params params;
    std::string sql = "SELECT 1 AS found FROM " + table_ + whereKeys(row, params);
    auto found = driver_->queryAll(sql, params);
    if (!found.isOk()) return found.status();
    return !found->empty();
  }

  Result<std::optional<std::uint64_t>> readCheckpoint(const PageId& page) {
    Params params = {page.queueId, page.flowId, page.importId, page.topic};
    std::string sql = "SELECT last_seq FROM " + std::string(kCheckpointTable) +
                      " WHERE queue_id = " + driver_->placeholder(0) +
                      " AND flow_id = " + driver_->placeholder(1) +
                      " AND import_id = " + driver_->placeholder(2) +
                      " AND topic = " + driver_->placeholder(3);
    auto rows = driver_->queryAll(sql, params);
    if (!rows.isOk()) return rows.status();
    if (rows->empty()) return std::optional<std::uint64_t>{};
    const auto& seq = (*rows)[0]["last_seq"];
    // Engines return BIGINT as an integer; a driver that returns text is tolerated.
    if (seq.is_number_integer()) return std::optional<std::uint64_t>(seq.get<std::uint64_t>());
    if (seq.is_string()) return std::optional<std::uint64_t>(std::stoull(seq.get<std::string>()));
    return Status::dataLoss(std::string(kCheckpointTable) + ".last_seq holds " + seq.dump());
  }

  Status writeCheckpoint(const PageId& page) {
    ferry::Json row = {{"queue_id", page.queueId},   {"flow_id", page.flowId},
                       {"import_id", page.importId}, {"topic", page.topic},
                       {"last_seq", page.seq},       {"updated_at", utcNow()}};
    const std::vector<std::string> keys = {"queue_id", "flow_id", "import_id", "topic"};
    const std::vector<std::string> columns = columnsOf(row);
    if (driver_->upsertStyle() != UpsertStyle::kUpdateThenInsert) {
      Params params;
      for (const auto& c : columns) params.push_back(row.at(c));
      return driver_->execute(driver_->insertSql(kCheckpointTable, columns, 1, keys), params)
          .status();
    }
    Params params = {row["last_seq"], row["updated_at"]};
    std::string sql = "UPDATE " + std::string(kCheckpointTable) +
                      " SET last_seq = " + driver_->placeholder(0) +
                      ", updated_at = " + driver_->placeholder(1) + " WHERE ";
    for (std::size_t k = 0; k < keys.size(); ++k) {
      sql += (k ? " AND " : "") + keys[k] + " = " + driver_->placeholder(params.size());
      params.push_back(row[keys[k]]);
    }
    auto updated = driver_->execute(sql, params);
    if (!updated.isOk()) return updated.status();
    if (*updated > 0) return Status::ok();
    params.clear();
    for (const auto& c : columns) params.push_back(row.at(c));
    return driver_->execute(driver_->insertSql(kCheckpointTable, columns, 1, {}), params).status();
  }

  std::unique_ptr<SqlDriver> driver_;
  std::string id_;
  std::string table_;  // quoted
  Mode mode_;
  std::vector<std::string> keys_;
  bool broken_ = false;
  std::set<std::string> validColumns_;       // column names checked once
  std::vector<std::string> lastValidShape_;  // the columns of the last row checked
};

}  // namespace

Result<std::unique_ptr<Destination>> makeSqlDestination(std::unique_ptr<SqlDriver> driver,
                                                        const model::Import& spec) {
  const std::string what = "import " + spec.id;
  auto table = quoteTable(*driver, spec.options.value("table", std::string()), what + ": table");
  if (!table.isOk()) return table.status();
  const std::string modeName = spec.options.value("mode", std::string("insert"));
  Mode mode =
      modeName == "update" ? Mode::kUpdate : (modeName == "upsert" ? Mode::kUpsert : Mode::kInsert);
  std::vector<std::string> keys;
  if (spec.options.contains("key") && spec.options["key"].is_array()) {
    for (const auto& k : spec.options["key"]) {
      if (!k.is_string()) return Status::invalidArgument(what + ": key: names must be strings");
      FERRY_RETURN_IF_ERROR(validateIdentifier(k.get<std::string>(), what + ": key"));
      keys.push_back(k.get<std::string>());
    }
  }
  if (mode != Mode::kInsert && keys.empty()) {
    return Status::invalidArgument(what + ": mode \"" + modeName + "\" needs `key` columns");
  }
  auto destination =
      std::make_unique<SqlDestination>(std::move(driver), spec, *table, mode, std::move(keys));
  Status ready = destination->ensureCheckpointTable();
  if (!ready.isOk()) return ready.withContext(what + ": " + kCheckpointTable);
  return std::unique_ptr<Destination>(std::move(destination));
}

}  // namespace ferry::agent::connectors::sql
