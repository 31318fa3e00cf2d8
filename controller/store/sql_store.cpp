#include "controller/store/sql_store.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "controller/store/migrations.h"

namespace ferry::controller::store {

SqlStore::SqlStore(std::unique_ptr<sql::Db> db, const Clock* clock)
    : db_(std::move(db)), clock_(clock != nullptr ? clock : &systemClock_) {}

std::int64_t SqlStore::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_->now().time_since_epoch())
      .count();
}

std::string SqlStore::backendName() const {
  return std::string(store::backendName(db_->backend()));
}

Result<int> SqlStore::migrate() {
  const std::vector<Migration>& all = migrations();
  const int latest = all.back().version;
  int applied = 0;
  Status st = db_->write("migrating the store schema", [&](sql::Conn& c) -> Status {
    applied = 0;
    if (c.backend() == Backend::kPostgresql) {
      // Replicas starting together: the second waits here, then finds nothing to do.
      // (SQLite's BEGIN IMMEDIATE already serialises the writers.)
      c.queryInt("SELECT COUNT(*) FROM (SELECT pg_advisory_xact_lock(7140417)) AS l", {}, 0);
    }
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    const std::int64_t current =
        c.queryInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, 0);
    if (current > latest) {
      return Status::failedPrecondition(
          "the store's schema version " + std::to_string(current) +
          " is newer than this controller knows (" + std::to_string(latest) +
          "); run a ferry-controller at least as new as the one that migrated it");
    }
    for (const Migration& m : all) {
      if (m.version <= current) continue;
      for (std::string_view sql : m.common) c.exec(sql);
      for (std::string_view sql : m.dialect(c.backend())) c.exec(sql);
      c.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
             {std::int64_t{m.version}, std::string(m.name), nowMs()});
      ++applied;
    }
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return applied;
}

Result<int> SqlStore::schemaVersion() {
  std::int64_t version = 0;
  Status st = db_->read("reading the schema version", [&](sql::Conn& c) -> Status {
    const char* exists =
        c.backend() == Backend::kSqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND "
              "name = 'schema_migrations'"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
              "current_schema() AND table_name = 'schema_migrations'";
    if (c.queryInt(exists, {}, 0) == 0) return Status::ok();
    version = c.queryInt("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, 0);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return static_cast<int>(version);
}

Result<std::unique_ptr<Store>> openStore(const StoreOptions& options) {
  auto location = parseStoreUrl(options.url, options.stateDir);
  if (!location.isOk()) return location.status();
  std::string password;
  if (location->backend == Backend::kPostgresql && options.resolvePassword) {
    auto secret = options.resolvePassword(location->passwordSecret);
    if (secret.isOk()) {
      password = *secret;
      if (std::any_of(password.begin(), password.end(),
                      [](unsigned char c) { return std::isspace(c); })) {
        // Poco's PostgreSQL connector splits its connection string at every space.
        return Status::invalidArgument("the store password (secret \"" + location->passwordSecret +
                                       "\") contains whitespace, which the PostgreSQL "
                                       "connector cannot pass; choose one without");
      }
    } else if (secret.status().code() != StatusCode::kNotFound) {
      return secret.status().withContext("reading the store password secret \"" +
                                         location->passwordSecret + "\"");
    }
  }
  auto db = sql::Db::open(*location, password, options.maxSessions);
  if (!db.isOk()) return db.status();
  auto store = std::make_unique<SqlStore>(std::move(*db), options.clock);
  if (options.migrate) {
    auto applied = store->migrate();
    if (!applied.isOk()) return applied.status();
  }
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ferry::controller::store
