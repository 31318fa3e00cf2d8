#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kResourceColumns =
    "kind, id, integration, version, document, content_hash, created_at, updated_at, deleted";

ResourceRecord resourceFrom(const sql::Rows::Row& r) {
  ResourceRecord out;
  out.kind = r.text(0);
  out.id = r.text(1);
  out.integration = r.text(2);
  out.version = r.integer(3);
  out.document = r.text(4);
  out.contentHash = r.text(5);
  out.createdAtMs = r.integer(6);
  out.updatedAtMs = r.integer(7);
  out.deleted = r.integer(8) != 0;
  return out;
}

std::string sha256Hex(const std::string& text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string label(const std::string& kind, const std::string& id) {
  return kind + " \"" + id + "\"";
}

std::optional<ResourceRecord> currentIn(Conn& c, const std::string& kind, const std::string& id) {
  auto rows = c.query(
      std::string("SELECT ") + kResourceColumns + " FROM resources WHERE kind = ? AND id = ?",
      {kind, id});
  if (rows.empty()) return std::nullopt;
  return resourceFrom(rows[0]);
}

// Writes `next` as the new current row (replacing `current` only if it is still the
// version read) and appends it to the history. A concurrent writer that got there first
// turns into kFailedPrecondition (an update) or kAlreadyExists (a create, via the key).
Status storeVersion(Conn& c, const std::optional<ResourceRecord>& current,
                    const ResourceRecord& next) {
  const std::int64_t deleted = next.deleted ? 1 : 0;
  if (current) {
    std::size_t n = c.exec(
        "UPDATE resources SET integration = ?, version = ?, document = ?, content_hash = ?, "
        "created_at = ?, updated_at = ?, deleted = ? WHERE kind = ? AND id = ? AND version = ?",
        {next.integration, next.version, next.document, next.contentHash, next.createdAtMs,
         next.updatedAtMs, deleted, next.kind, next.id, current->version});
    if (n == 0) {
      return Status::failedPrecondition(label(next.kind, next.id) +
                                        " was changed concurrently; read it again");
    }
  } else {
    c.exec("INSERT INTO resources (" + std::string(kResourceColumns) +
               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {next.kind, next.id, next.integration, next.version, next.document, next.contentHash,
            next.createdAtMs, next.updatedAtMs, deleted});
  }
  c.exec(
      "INSERT INTO resource_versions (kind, id, version, integration, document, content_hash, "
      "deleted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {next.kind, next.id, next.version, next.integration, next.document, next.contentHash, deleted,
       next.updatedAtMs});
  return Status::ok();
}

Status versionConflict(const std::string& kind, const std::string& id, std::int64_t expected,
                       std::int64_t current) {
  return Status::failedPrecondition("version conflict on " + label(kind, id) + ": expected " +
                                    std::to_string(expected) + ", current " +
                                    std::to_string(current));
}

}  // namespace

Result<ResourceRecord> SqlStore::putResource(const ResourceWrite& w) {
  if (w.kind.empty() || w.id.empty()) {
    return Status::invalidArgument("a resource needs a kind and an id");
  }
  ResourceRecord out;
  Status st = db_->write("writing " + label(w.kind, w.id), [&](Conn& c) -> Status {
    std::optional<ResourceRecord> cur = currentIn(c, w.kind, w.id);
    const bool live = cur && !cur->deleted;
    if (w.expectedVersion) {
      const std::int64_t expected = *w.expectedVersion;
      if (expected == 0 && live) {
        return Status::alreadyExists(label(w.kind, w.id) + " already exists (version " +
                                     std::to_string(cur->version) + ")");
      }
      if (expected != 0 && !live) {
        return Status::notFound(label(w.kind, w.id) + " does not exist");
      }
      if (expected != 0 && expected != cur->version) {
        return versionConflict(w.kind, w.id, expected, cur->version);
      }
    }
    const std::int64_t now = nowMs();
    out.kind = w.kind;
    out.id = w.id;
    out.integration = w.integration;
    out.version = cur ? cur->version + 1 : 1;  // a tombstone's successor goes on counting
    out.document = w.document;
    out.contentHash = sha256Hex(w.document);
    out.createdAtMs = live ? cur->createdAtMs : now;
    out.updatedAtMs = now;
    out.deleted = false;
    return storeVersion(c, cur, out);
  });
  if (!st.isOk()) return st;
  return out;
}

Result<ResourceRecord> SqlStore::getResource(const std::string& kind, const std::string& id) {
  ResourceRecord out;
  Status st = db_->read("reading " + label(kind, id), [&](Conn& c) -> Status {
    auto cur = currentIn(c, kind, id);
    if (!cur || cur->deleted) return Status::notFound(label(kind, id) + " does not exist");
    out = std::move(*cur);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<ResourceRecord>> SqlStore::listResources(const ResourceFilter& f) {
  std::vector<ResourceRecord> out;
  Status st = db_->read("listing resources", [&](Conn& c) -> Status {
    std::string sql = std::string("SELECT ") + kResourceColumns + " FROM resources WHERE 1 = 1";
    sql::Params params;
    if (!f.kind.empty()) {
      sql += " AND kind = ?";
      params.emplace_back(f.kind);
    }
    if (!f.integration.empty()) {
      sql += " AND integration = ?";
      params.emplace_back(f.integration);
    }
    if (!f.includeDeleted) sql += " AND deleted = 0";
    sql += " ORDER BY kind, id";
    auto rows = c.query(sql, std::move(params));
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(resourceFrom(rows[i]));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<ResourceRecord> SqlStore::deleteResource(const std::string& kind, const std::string& id,
                                                std::optional<std::int64_t> expectedVersion) {
  ResourceRecord out;
  Status st = db_->write("deleting " + label(kind, id), [&](Conn& c) -> Status {
    std::optional<ResourceRecord> cur = currentIn(c, kind, id);
    if (!cur || cur->deleted) return Status::notFound(label(kind, id) + " does not exist");
    if (expectedVersion && *expectedVersion != cur->version) {
      return versionConflict(kind, id, *expectedVersion, cur->version);
    }
    out = *cur;
    out.version = cur->version + 1;
    out.document.clear();
    out.contentHash = sha256Hex("");
    out.updatedAtMs = nowMs();
    out.deleted = true;
    return storeVersion(c, cur, out);
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<ResourceRecord>> SqlStore::resourceHistory(const std::string& kind,
                                                              const std::string& id) {
  std::vector<ResourceRecord> out;
  Status st = db_->read("reading the history of " + label(kind, id), [&](Conn& c) -> Status {
    auto rows = c.query(
        "SELECT kind, id, integration, version, document, content_hash, created_at, "
        "created_at, deleted FROM resource_versions WHERE kind = ? AND id = ? ORDER BY version",
        {kind, id});
    if (rows.empty()) return Status::notFound(label(kind, id) + " never existed");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(resourceFrom(rows[i]));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

}  // namespace ferry::controller::store
