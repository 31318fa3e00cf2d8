#pragma once

#include <string>
#include <vector>

namespace ferry::testing {

// Runs SQL statements on a SQLite file (created when missing), outside the code under test,
// to set up sources and destinations. Throws std::runtime_error with SQLite's message and
// the start of the SQL when a statement fails.
void sqliteExec(const std::string& path, const std::string& sql);

// Runs one query on a SQLite file and returns its rows, every value as text (NULL as "").
// Throws like sqliteExec.
std::vector<std::vector<std::string>> sqliteQuery(const std::string& path, const std::string& sql);
// The first column of the first row as an integer (0 when there is no row).
long long sqliteScalar(const std::string& path, const std::string& sql);

}  // namespace ferry::testing
