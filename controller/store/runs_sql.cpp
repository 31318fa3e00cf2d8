#include "controller/store/page_cursor.h"
#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kRunColumns =
    "run_id, agent_id, flow_id, integration, trigger_name, state, records_read, "
    "records_filtered, records_written, records_failed, started_at, finished_at, "
    "error_summary, updated_at";

constexpr char kRunCursorKind = 'r';
constexpr std::size_t kPruneBatch = 500;

// Read in place (Conn::forEach): a page of runs is the API's busiest read.
RunView runFrom(const sql::RowView& r) {
  return {.runId = r.textView(0),
          .agentId = r.textView(1),
          .flowId = r.textView(2),
          .integration = r.textView(3),
          .trigger = r.textView(4),
          .state = r.textView(5),
          .counts = {r.integer(6), r.integer(7), r.integer(8), r.integer(9)},
          .startedAtMs = r.integer(10),
          .finishedAtMs = r.integer(11),
          .errorSummary = r.textView(12),
          .updatedAtMs = r.integer(13)};
}

// An empty incoming value keeps the stored one (run.finished carries no flow id).
std::string keepIfEmpty(const char* column) {
  return std::string(column) + " = CASE WHEN excluded." + column + " <> '' THEN excluded." +
         column + " ELSE runs." + column + " END";
}

std::string grow(const char* column) {
  return std::string(column) + " = CASE WHEN excluded." + column + " > runs." + column +
         " THEN excluded." + column + " ELSE runs." + column + " END";
}

std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace

Status validateRunUpdate(const RunUpdate& u) {
  if (u.runId.empty() || u.agentId.empty()) {
    return Status::invalidArgument("a run update needs a run id and an agent id");
  }
  if (u.kind == RunUpdate::Kind::kFinished && u.state.empty()) {
    return Status::invalidArgument("run.finished needs a state");
  }
  return Status::ok();
}

Status SqlStore::upsertRunIn(Conn& c, const RunUpdate& u) {
  FERRY_RETURN_IF_ERROR(validateRunUpdate(u));
  const std::int64_t now = nowMs();
  const std::int64_t finishedAt = u.kind == RunUpdate::Kind::kFinished ? orNow(u.finishedAtMs) : 0;
  // A run first seen through progress or finished gets a provisional start time so it has
  // a place in the list; run.started replaces it.
  const std::int64_t startedAt =
      u.startedAtMs > 0 ? u.startedAtMs : (finishedAt > 0 ? finishedAt : now);
  const std::string state = u.kind == RunUpdate::Kind::kFinished ? u.state : "running";
  const std::string insert =
      std::string("INSERT INTO runs (") + kRunColumns +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET ";
  std::string update;
  switch (u.kind) {
    case RunUpdate::Kind::kStarted:
      update = keepIfEmpty("flow_id") + ", " + keepIfEmpty("integration") + ", " +
               keepIfEmpty("trigger_name") +
               ", started_at = excluded.started_at, updated_at = excluded.updated_at";
      break;
    case RunUpdate::Kind::kProgress:
      // Counts only grow, and nothing changes once the run has finished.
      update = keepIfEmpty("flow_id") + ", " + keepIfEmpty("integration") + ", " +
               grow("records_read") + ", " + grow("records_filtered") + ", " +
               grow("records_written") + ", " + grow("records_failed") +
               ", updated_at = excluded.updated_at WHERE runs.finished_at = 0";
      break;
    case RunUpdate::Kind::kFinished:
      update = keepIfEmpty("flow_id") + ", " + keepIfEmpty("integration") +
               ", state = excluded.state, records_read = excluded.records_read, "
               "records_filtered = excluded.records_filtered, "
               "records_written = excluded.records_written, "
               "records_failed = excluded.records_failed, finished_at = excluded.finished_at, "
               "error_summary = excluded.error_summary, updated_at = excluded.updated_at";
      break;
  }
  c.exec(insert + update, {u.runId, u.agentId, u.flowId, u.integration, u.trigger, state,
                           u.counts.read, u.counts.filtered, u.counts.written, u.counts.failed,
                           startedAt, finishedAt, u.errorSummary, now});
  return Status::ok();
}

Status SqlStore::upsertRun(const RunUpdate& u) {
  return db_->write("storing run " + u.runId, [&](Conn& c) { return upsertRunIn(c, u); });
}

Result<RunRecord> SqlStore::getRun(const std::string& runId) {
  RunRecord out;
  Status st = db_->read("reading run " + runId, [&](Conn& c) -> Status {
    bool found = false;
    c.forEach(std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_id = ?", {runId},
              [&](const sql::RowView& r) {
                out = runFrom(r).as<std::string>();
                found = true;
              });
    if (!found) return Status::notFound("run \"" + runId + "\" does not exist");
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<Page<RunRecord>> SqlStore::listRuns(const RunFilter& f, const PageRequest& page) {
  Page<RunRecord> out;
  auto next =
      visitRuns(f, page, [&](const RunView& r) { out.items.push_back(r.as<std::string>()); });
  if (!next) return next.status();
  out.nextCursor = std::move(*next);
  return out;
}

Result<std::string> SqlStore::visitRuns(const RunFilter& f, const PageRequest& page,
                                        const std::function<void(const RunView&)>& run) {
  const std::string fingerprint =
      filterFingerprint({f.flowId, f.agentId, f.integration, f.state, std::to_string(f.fromMs),
                         std::to_string(f.toMs)});
  std::optional<CursorPosition> after;
  if (!page.cursor.empty()) {
    auto pos = decodeCursor(page.cursor, kRunCursorKind, fingerprint);
    if (!pos.isOk()) return pos.status();
    after = std::move(*pos);
  }
  const std::size_t limit = page.limit == 0 ? 50 : std::min(page.limit, kMaxPageSize);
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE 1 = 1";
  sql::Params params;
  auto equal = [&](const char* column, const std::string& value) {
    if (value.empty()) return;
    sql += std::string(" AND ") + column + " = ?";
    params.emplace_back(value);
  };
  equal("flow_id", f.flowId);
  equal("agent_id", f.agentId);
  equal("integration", f.integration);
  equal("state", f.state);
  if (f.fromMs > 0) {
    sql += " AND started_at >= ?";
    params.emplace_back(f.fromMs);
  }
  if (f.toMs > 0) {
    sql += " AND started_at < ?";
    params.emplace_back(f.toMs);
  }
  if (after) {
    sql += " AND (started_at, run_id) < (?, ?)";
    params.emplace_back(after->timeMs);
    params.emplace_back(after->id);
  }
  sql += " ORDER BY started_at DESC, run_id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit + 1));  // one more: is there a next?
  std::string nextCursor;
  Status st = db_->read("listing runs", [&](Conn& c) -> Status {
    std::size_t seen = 0;
    CursorPosition last;
    c.forEach(sql, params, [&](const sql::RowView& r) {
      if (++seen > limit) return;
      const RunView view = runFrom(r);
      run(view);
      last.timeMs = view.startedAtMs;
      last.id.assign(view.runId);
    });
    if (seen > limit) nextCursor = encodeCursor(kRunCursorKind, last, fingerprint);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return nextCursor;
}

Result<PruneCounts> SqlStore::pruneRuns(std::int64_t olderThanMs) {
  PruneCounts counts;
  // Short transactions, so ingest (the same single SQLite writer) is never held up long.
  for (;;) {
    std::size_t batch = 0;
    Status st = db_->write("pruning runs", [&](Conn& c) -> Status {
      auto rows = c.query(
          "SELECT run_id FROM runs WHERE started_at < ? AND finished_at < ? "
          "ORDER BY started_at, run_id LIMIT ?",
          {olderThanMs, olderThanMs, static_cast<std::int64_t>(kPruneBatch)});
      batch = rows.size();
      if (batch == 0) return Status::ok();
      sql::Params ids;
      for (std::size_t i = 0; i < rows.size(); ++i) ids.emplace_back(rows[i].text(0));
      const std::string in = " WHERE run_id IN (" + placeholders(ids.size()) + ")";
      counts.errors += static_cast<std::int64_t>(c.exec("DELETE FROM run_errors" + in, ids));
      counts.runs += static_cast<std::int64_t>(c.exec("DELETE FROM runs" + in, ids));
      return Status::ok();
    });
    if (!st.isOk()) return st;
    if (batch < kPruneBatch) break;
  }
  Status st = db_->write("pruning old errors, commands and events", [&](Conn& c) -> Status {
    counts.errors += static_cast<std::int64_t>(
        c.exec("DELETE FROM run_errors WHERE created_at < ? AND NOT EXISTS "
               "(SELECT 1 FROM runs r WHERE r.run_id = run_errors.run_id)",
               {olderThanMs}));
    counts.commands += static_cast<std::int64_t>(
        c.exec("DELETE FROM commands WHERE updated_at < ? AND state IN ('done', 'failed')",
               {olderThanMs}));
    counts.quarantined += static_cast<std::int64_t>(
        c.exec("DELETE FROM quarantined_events WHERE received_at < ?", {olderThanMs}));
    // Rows a prefix covers are never consulted again (a seq at or below the prefix is
    // known to be stored). Only old ones go, so no in-flight ingest still relies on them.
    counts.events += static_cast<std::int64_t>(
        c.exec("DELETE FROM events_seen WHERE received_at < ? AND seq <= (SELECT p.prefix FROM "
               "event_prefixes p WHERE p.agent_id = events_seen.agent_id AND "
               "p.epoch = events_seen.epoch)",
               {olderThanMs}));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return counts;
}

}  // namespace ferry::controller::store
