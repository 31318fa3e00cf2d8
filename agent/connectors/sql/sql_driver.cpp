#include "agent/connectors/sql/sql_driver.h"

#include <algorithm>

namespace ferry::agent::connectors::sql {

Result<std::vector<ferry::Json>> SqlDriver::queryAll(const std::string& sql, const Params& params) {
  constexpr std::size_t kChunk = 1000;
  auto cursor = query(sql, params, kChunk);
  if (!cursor.isOk()) return cursor.status();
  std::vector<ferry::Json> rows;
  while (true) {
    auto more = (*cursor)->fetch(kChunk, rows);
    if (!more.isOk()) return more.status();
    if (!*more) return rows;
  }
}

Status SqlDriver::savepoint(const std::string& name) {
  return execute("SAVEPOINT " + name, {}).status();
}

Status SqlDriver::releaseSavepoint(const std::string& name) {
  return execute("RELEASE SAVEPOINT " + name, {}).status();
}

Status SqlDriver::rollbackToSavepoint(const std::string& name) {
  return execute("ROLLBACK TO SAVEPOINT " + name, {}).status();
}

std::string SqlDriver::insertSql(const std::string& quotedTable,
                                 const std::vector<std::string>& columns, std::size_t rowCount,
                                 const std::vector<std::string>& upsertKeys) const {
  std::string sql = "INSERT INTO " + quotedTable + " (";
  for (std::size_t c = 0; c < columns.size(); ++c) {
    if (c) sql += ", ";
    sql += quoteIdentifier(columns[c]);
  }
  sql += ") VALUES ";
  std::size_t index = 0;
  for (std::size_t r = 0; r < rowCount; ++r) {
    sql += r ? ", (" : "(";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (c) sql += ", ";
      sql += placeholder(index++);
    }
    sql += ')';
  }
  if (upsertKeys.empty()) return sql;
  return sql + upsertClause(columns, upsertKeys);
}

std::string SqlDriver::upsertClause(const std::vector<std::string>& columns,
                                    const std::vector<std::string>& keys) const {
  if (upsertStyle() == UpsertStyle::kUpdateThenInsert) return "";
  std::vector<std::string> updates;
  for (const auto& column : columns) {
    if (std::find(keys.begin(), keys.end(), column) != keys.end()) continue;
    const std::string q = quoteIdentifier(column);
    updates.push_back(upsertStyle() == UpsertStyle::kOnDuplicateKey ? q + " = VALUES(" + q + ")"
                                                                    : q + " = excluded." + q);
  }
  std::string sql;
  if (upsertStyle() == UpsertStyle::kOnDuplicateKey) {
    // With only key columns there is nothing to update; assigning a key to itself keeps
    // the statement valid and the row as it is.
    if (updates.empty()) {
      const std::string q = quoteIdentifier(keys.front());
      updates.push_back(q + " = " + q);
    }
    sql += " ON DUPLICATE KEY UPDATE ";
  } else {
    sql += " ON CONFLICT (";
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (k) sql += ", ";
      sql += quoteIdentifier(keys[k]);
    }
    sql += updates.empty() ? ") DO NOTHING" : ") DO UPDATE SET ";
  }
  for (std::size_t u = 0; u < updates.size(); ++u) {
    if (u) sql += ", ";
    sql += updates[u];
  }
  return sql;
}

Status SqlDriver::bulkWrite(const BulkWrite& write) {
  const auto& rows = *write.rows;
  const std::size_t columns = std::max<std::size_t>(write.columns.size(), 1);
  constexpr std::size_t kMaxRowsPerStatement = 1000;
  const std::size_t perStatement =
      std::max<std::size_t>(1, std::min(kMaxRowsPerStatement, maxParameters() / columns));
  const std::vector<std::string> noKeys;
  Params params;
  for (std::size_t start = 0; start < rows.size(); start += perStatement) {
    const std::size_t count = std::min(perStatement, rows.size() - start);
    params.clear();
    params.reserve(count * write.columns.size());
    for (std::size_t r = start; r < start + count; ++r) {
      for (const auto& column : write.columns) params.push_back(rows[r]->at(column));
    }
    auto changed = execute(
        insertSql(write.table, write.columns, count, write.upsert ? write.keys : noKeys), params);
    if (!changed.isOk()) return changed.status();
  }
  return Status::ok();
}

}  // namespace ferry::agent::connectors::sql
