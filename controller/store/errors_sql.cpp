#include "controller/store/page_cursor.h"
#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kErrorColumns =
    "error_id, run_id, agent_id, flow_id, step, message, record_json, state, resolution, "
    "created_at, updated_at, resolved_at";

constexpr char kErrorCursorKind = 'e';

RunErrorRecord errorFrom(const sql::Rows::Row& r) {
  RunErrorRecord e;
  e.errorId = r.text(0);
  e.runId = r.text(1);
  e.agentId = r.text(2);
  e.flowId = r.text(3);
  e.step = r.text(4);
  e.message = r.text(5);
  e.record = r.text(6);
  e.state = parseErrorState(r.text(7)).value_or(ErrorState::kOpen);
  e.resolution = r.text(8);
  e.createdAtMs = r.integer(9);
  e.updatedAtMs = r.integer(10);
  e.resolvedAtMs = r.integer(11);
  return e;
}

}  // namespace

Result<bool> SqlStore::insertErrorIn(Conn& c, const RunErrorRecord& e) {
  if (e.errorId.empty() || e.runId.empty() || e.agentId.empty()) {
    return Status::invalidArgument("a run error needs an error id, a run id and an agent id");
  }
  const std::int64_t created = orNow(e.createdAtMs);
  const std::size_t n = c.exec(
      std::string("INSERT INTO run_errors (") + kErrorColumns +
          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (error_id) DO NOTHING",
      {e.errorId, e.runId, e.agentId, e.flowId, e.step, e.message, e.record,
       std::string(errorStateName(e.state)), e.resolution, created, nowMs(), e.resolvedAtMs});
  return n > 0;
}

Result<bool> SqlStore::insertError(const RunErrorRecord& e) {
  bool inserted = false;
  Status st = db_->write("storing error " + e.errorId, [&](Conn& c) -> Status {
    auto r = insertErrorIn(c, e);
    if (!r.isOk()) return r.status();
    inserted = *r;
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return inserted;
}

Result<RunErrorRecord> SqlStore::getError(const std::string& errorId) {
  RunErrorRecord out;
  Status st = db_->read("reading error " + errorId, [&](Conn& c) -> Status {
    auto rows = c.query(
        std::string("SELECT ") + kErrorColumns + " FROM run_errors WHERE error_id = ?", {errorId});
    if (rows.empty()) return Status::notFound("error \"" + errorId + "\" does not exist");
    out = errorFrom(rows[0]);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<Page<RunErrorRecord>> SqlStore::listErrors(const ErrorFilter& f, const PageRequest& page) {
  const std::string stateName = f.state ? std::string(errorStateName(*f.state)) : "";
  const std::string fingerprint = filterFingerprint({f.runId, f.flowId, f.agentId, stateName});
  std::optional<CursorPosition> after;
  if (!page.cursor.empty()) {
    auto pos = decodeCursor(page.cursor, kErrorCursorKind, fingerprint);
    if (!pos.isOk()) return pos.status();
    after = std::move(*pos);
  }
  const std::size_t limit = page.limit == 0 ? 50 : std::min(page.limit, kMaxPageSize);
  std::string sql = std::string("SELECT ") + kErrorColumns + " FROM run_errors WHERE 1 = 1";
  sql::Params params;
  auto equal = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(value);
  };
  equal("run_id", f.runId);
  equal("flow_id", f.flowId);
  equal("agent_id", f.agentId);
  equal("state", stateName);
  if (after) {
    sql += " AND (created_at, error_id) < (?, ?)";
    params.emplace_back(after->timeMs);
    params.emplace_back(after->id);
  }
  sql += " ORDER BY created_at DESC, error_id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit + 1));
  Page<RunErrorRecord> out;
  Status st = db_->read("listing errors", [&](Conn& c) -> Status {
    auto rows = c.query(sql, params);
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i) {
      out.items.push_back(errorFrom(rows[i]));
    }
    if (rows.size() > limit) {
      const RunErrorRecord& last = out.items.back();
      out.nextCursor =
          encodeCursor(kErrorCursorKind, {last.createdAtMs, last.errorId}, fingerprint);
    }
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::size_t> SqlStore::setErrorStateIn(Conn& c, const std::vector<std::string>& ids,
                                              ErrorState to, const std::string& resolution,
                                              bool strict, const std::string& onlyAgent) {
  const std::int64_t now = nowMs();
  std::size_t changed = 0;
  for (const std::string& id : ids) {
    auto rows = c.query("SELECT state, agent_id FROM run_errors WHERE error_id = ?", {id});
    // An agent closes only its own errors.
    const bool foreign = !rows.empty() && !onlyAgent.empty() && rows[0].text(1) != onlyAgent;
    if (rows.empty() || foreign) {
      if (strict) return Status::notFound("error \"" + id + "\" does not exist");
      continue;
    }
    const std::string from = rows[0].text(0);
    if (from == errorStateName(ErrorState::kResolved)) {
      if (to == ErrorState::kResolved) continue;  // resolving twice changes nothing
      if (strict) {
        return Status::failedPrecondition("error \"" + id + "\" is resolved; it cannot become " +
                                          std::string(errorStateName(to)));
      }
      continue;
    }
    if (from == errorStateName(to)) continue;
    const bool resolved = to == ErrorState::kResolved;
    changed += c.exec(
        "UPDATE run_errors SET state = ?, resolution = ?, updated_at = ?, resolved_at = ? "
        "WHERE error_id = ? AND state <> 'resolved'",
        {std::string(errorStateName(to)), resolved ? resolution : std::string(), now,
         resolved ? now : std::int64_t{0}, id});
  }
  return changed;
}

Result<std::size_t> SqlStore::setErrorState(const std::vector<std::string>& ids, ErrorState to,
                                            const std::string& resolution) {
  std::size_t changed = 0;
  Status st = db_->write("changing the state of errors", [&](Conn& c) -> Status {
    auto n = setErrorStateIn(c, ids, to, resolution, true);
    if (!n.isOk()) return n.status();
    changed = *n;
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return changed;
}

}  // namespace ferry::controller::store
