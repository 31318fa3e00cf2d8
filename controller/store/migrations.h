#pragma once

#include <string_view>
#include <vector>

#include "controller/store/store_url.h"

namespace ferry::controller::store {

// One step of the schema, applied once and recorded in `schema_migrations`. Statements
// shared by both backends go in `common`; where the dialects differ, each backend's own
// statements run after the common ones. Never edit a released migration: append one.
struct Migration {
  int version = 0;
  std::string_view name;
  std::vector<std::string_view> common;
  std::vector<std::string_view> sqlite;
  std::vector<std::string_view> postgresql;

  const std::vector<std::string_view>& dialect(Backend b) const {
    return b == Backend::kSqlite ? sqlite : postgresql;
  }
};

// Every migration, in ascending version order, without gaps.
const std::vector<Migration>& migrations();

}  // namespace ferry::controller::store
