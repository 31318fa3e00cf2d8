#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kTokenColumns = "name, token_hash, created_at, last_used_at";

// A Rows::Row, or a RowView read in place (the lookup behind every API request).
template <typename Row>
ApiTokenRecord tokenFrom(const Row& r) {
  return ApiTokenRecord{r.text(0), r.text(1), r.integer(2), r.integer(3)};
}

}  // namespace

Result<ApiTokenRecord> SqlStore::createToken(const std::string& name, const std::string& hash) {
  if (name.empty() || hash.empty()) {
    return Status::invalidArgument("an API token needs a name and a hash");
  }
  ApiTokenRecord out{name, hash, nowMs(), 0};
  Status st = db_->write("creating API token " + name, [&](Conn& c) -> Status {
    if (c.queryInt("SELECT COUNT(*) FROM api_tokens WHERE name = ?", {name}, 0) > 0) {
      return Status::alreadyExists("an API token named \"" + name + "\" already exists");
    }
    c.exec("INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, ?)",
           {name, hash, out.createdAtMs});
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<ApiTokenRecord> SqlStore::findTokenByHash(const std::string& hash) {
  ApiTokenRecord out;
  Status st = db_->read("looking up an API token", [&](Conn& c) -> Status {
    bool found = false;
    c.forEach(std::string("SELECT ") + kTokenColumns + " FROM api_tokens WHERE token_hash = ?",
              {hash}, [&](const sql::RowView& r) {
                out = tokenFrom(r);
                found = true;
              });
    if (!found) return Status::notFound("no API token has this hash");
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<ApiTokenRecord>> SqlStore::listTokens() {
  std::vector<ApiTokenRecord> out;
  Status st = db_->read("listing API tokens", [&](Conn& c) {
    auto rows = c.query(std::string("SELECT ") + kTokenColumns + " FROM api_tokens ORDER BY name");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(tokenFrom(rows[i]));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Status SqlStore::deleteToken(const std::string& name) {
  return db_->write("deleting API token " + name, [&](Conn& c) -> Status {
    if (c.exec("DELETE FROM api_tokens WHERE name = ?", {name}) == 0) {
      return Status::notFound("no API token is named \"" + name + "\"");
    }
    return Status::ok();
  });
}

Status SqlStore::touchToken(const std::string& name, std::int64_t atMs) {
  const std::int64_t at = orNow(atMs);
  return db_->write("touching API token " + name, [&](Conn& c) -> Status {
    if (c.exec("UPDATE api_tokens SET last_used_at = ? WHERE name = ? AND last_used_at < ?",
               {at, name, at}) == 0 &&
        c.queryInt("SELECT COUNT(*) FROM api_tokens WHERE name = ?", {name}, 0) == 0) {
      return Status::notFound("no API token is named \"" + name + "\"");
    }
    return Status::ok();
  });
}

}  // namespace ferry::controller::store
