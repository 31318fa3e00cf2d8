#pragma once

#include <string>

namespace ferry::testing {

// Runs SQL statements on a SQLite file (created when missing), outside the code under test,
// to set up sources and destinations. Throws std::runtime_error with SQLite's message and
// the start of the SQL when a statement fails.
void sqliteExec(const std::string& path, const std::string& sql);

}  // namespace ferry::testing
