#include "agent/runtime/run_store.h"

#include <ctime>

#include "agent/queue/sqlite_db.h"

namespace ferry::agent::runtime {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, flow_id TEXT NOT NULL, trigger TEXT NOT NULL, state TEXT NOT NULL,
  read INTEGER NOT NULL, filtered INTEGER NOT NULL, written INTEGER NOT NULL,
  failed INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
  started_ms INTEGER NOT NULL, error TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_flow ON runs (flow_id, started_ms);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_ms);
CREATE TABLE IF NOT EXISTS run_errors (
  error_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, flow_id TEXT NOT NULL,
  step_index INTEGER NOT NULL, step TEXT NOT NULL, message TEXT NOT NULL, record TEXT NOT NULL,
  state TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS run_errors_by_state ON run_errors (state, created_at);
CREATE INDEX IF NOT EXISTS run_errors_by_run ON run_errors (run_id);
)sql";

std::int64_t epochMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string isoTime(std::chrono::system_clock::time_point t) {
  const std::int64_t ms = epochMs(t);
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
  return out;
}

RunStore::RunStore(std::unique_ptr<queue::Connection> db, Options options)
    : db_(std::move(db)), options_(std::move(options)) {}

RunStore::~RunStore() = default;

Result<std::unique_ptr<RunStore>> RunStore::open(const Options& options) {
  auto db = queue::Connection::open(options.stateDir + "/runs.db", true, "NORMAL");
  if (!db) return db.status();
  FERRY_RETURN_IF_ERROR((*db)->exec(kSchema));
  return std::make_unique<RunStore>(std::move(*db), options);
}

Status RunStore::record(const RunSummary& run, const std::string& trigger) {
  std::lock_guard lock(mutex_);
  queue::Transaction tx(*db_);
  FERRY_RETURN_IF_ERROR(tx.begin());
  auto insert =
      db_->prepare("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!insert) return insert.status();
  insert->bind(1, run.runId)
      .bind(2, run.flowId)
      .bind(3, trigger)
      .bind(4, runStateName(run.state))
      .bind(5, static_cast<std::int64_t>(run.counts.read))
      .bind(6, static_cast<std::int64_t>(run.counts.filtered))
      .bind(7, static_cast<std::int64_t>(run.counts.written))
      .bind(8, static_cast<std::int64_t>(run.counts.failed))
      .bind(9, isoTime(run.startedAt))
      .bind(10, isoTime(run.finishedAt))
      .bind(11, epochMs(run.startedAt))
      .bind(12, run.error);
  FERRY_RETURN_IF_ERROR(insert->run());
  if (run.errors.empty()) return tx.commit();  // no need to weigh the stored errors
  auto open = db_->prepare(
      "SELECT count(*), coalesce(sum(length(record) + length(message)), 0) FROM run_errors "
      "WHERE state = 'open'");
  if (!open) return open.status();
  auto counted = open->step();
  if (!counted) return counted.status();
  std::size_t stored = static_cast<std::size_t>(open->columnInt(0));
  std::int64_t bytes = open->columnInt(1);
  open->reset();
  auto error = db_->prepare("INSERT INTO run_errors VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)");
  if (!error) return error.status();
  for (const auto& e : run.errors) {
    // Beyond the quota the run's failed count still says how many there were.
    const std::string recordText = e.record.dump();
    bytes += static_cast<std::int64_t>(recordText.size() + e.message.size());
    if (stored >= options_.maxOpenErrors || bytes > options_.errorsQuotaBytes) break;
    std::string id = e.errorId;
    if (id.empty()) {
      auto fresh = queue::randomUuid();
      if (!fresh) return fresh.status();
      id = *fresh;
    }
    error->bind(1, id)
        .bind(2, run.runId)
        .bind(3, run.flowId)
        .bind(4, static_cast<std::int64_t>(e.stepIndex))
        .bind(5, e.step)
        .bind(6, e.message)
        .bind(7, recordText)
        .bind(8, isoTime(run.finishedAt));
    FERRY_RETURN_IF_ERROR(error->run());
    ++stored;
  }
  return tx.commit();
}

Result<std::optional<std::chrono::system_clock::time_point>> RunStore::lastRunStart(
    const std::string& flowId) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare("SELECT max(started_ms) FROM runs WHERE flow_id = ?");
  if (!q) return q.status();
  q->bind(1, flowId);
  auto row = q->step();
  if (!row) return row.status();
  std::optional<std::chrono::system_clock::time_point> out;
  if (*row && !q->columnIsNull(0)) {
    out = std::chrono::system_clock::time_point(std::chrono::milliseconds(q->columnInt(0)));
  }
  q->reset();
  return out;
}

Result<std::map<std::string, RunStore::FlowRunSummary>> RunStore::flowRunSummaries() {
  std::lock_guard lock(mutex_);
  std::map<std::string, FlowRunSummary> out;
  auto last = db_->prepare(
      "SELECT r.flow_id, r.state FROM runs r WHERE r.started_ms = "
      "(SELECT max(started_ms) FROM runs WHERE flow_id = r.flow_id)");
  if (!last) return last.status();
  for (;;) {
    auto row = last->step();
    if (!row) return row.status();
    if (!*row) break;
    out[std::string(last->columnText(0))].lastRunState = std::string(last->columnText(1));
  }
  last->reset();
  auto delivered = db_->prepare(
      "SELECT flow_id, max(started_ms) FROM runs WHERE state IN ('succeeded', 'partial') "
      "GROUP BY flow_id");
  if (!delivered) return delivered.status();
  for (;;) {
    auto row = delivered->step();
    if (!row) return row.status();
    if (!*row) break;
    out[std::string(delivered->columnText(0))].lastDeliveredStartMs = delivered->columnInt(1);
  }
  delivered->reset();
  return out;
}

Result<std::vector<StoredRun>> RunStore::recentRuns(std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(
      "SELECT run_id, flow_id, trigger, state, read, filtered, written, failed, started_at, "
      "finished_at, error FROM runs ORDER BY started_ms DESC LIMIT ?");
  if (!q) return q.status();
  q->bind(1, static_cast<std::int64_t>(limit));
  std::vector<StoredRun> out;
  while (true) {
    auto row = q->step();
    if (!row) return row.status();
    if (!*row) break;
    StoredRun r;
    r.runId = q->columnText(0);
    r.flowId = q->columnText(1);
    r.trigger = q->columnText(2);
    r.state = q->columnText(3);
    r.counts = {
        static_cast<std::uint64_t>(q->columnInt(4)), static_cast<std::uint64_t>(q->columnInt(5)),
        static_cast<std::uint64_t>(q->columnInt(6)), static_cast<std::uint64_t>(q->columnInt(7))};
    r.startedAt = q->columnText(8);
    r.finishedAt = q->columnText(9);
    r.error = q->columnText(10);
    out.push_back(std::move(r));
  }
  q->reset();
  return out;
}

Result<std::vector<StoredError>> RunStore::errors(const std::string& state, std::size_t limit) {
  std::lock_guard lock(mutex_);
  auto q = db_->prepare(
      "SELECT error_id, run_id, flow_id, step_index, step, message, record, state, created_at "
      "FROM run_errors WHERE (? = '' OR state = ?) ORDER BY created_at, error_id LIMIT ?");
  if (!q) return q.status();
  q->bind(1, state).bind(2, state).bind(3, static_cast<std::int64_t>(limit));
  std::vector<StoredError> out;
  while (true) {
    auto row = q->step();
    if (!row) return row.status();
    if (!*row) break;
    StoredError e;
    e.errorId = q->columnText(0);
    e.runId = q->columnText(1);
    e.flowId = q->columnText(2);
    e.stepIndex = static_cast<std::size_t>(q->columnInt(3));
    e.step = q->columnText(4);
    e.message = q->columnText(5);
    e.record = ferry::Json::parse(q->columnText(6), nullptr, false);
    e.state = q->columnText(7);
    e.createdAt = q->columnText(8);
    out.push_back(std::move(e));
  }
  q->reset();
  return out;
}

Result<std::size_t> RunStore::resolve(const std::vector<std::string>& errorIds) {
  std::lock_guard lock(mutex_);
  queue::Transaction tx(*db_);
  FERRY_RETURN_IF_ERROR(tx.begin());
  auto find = db_->prepare("SELECT state FROM run_errors WHERE error_id = ?");
  auto update = db_->prepare(
      "UPDATE run_errors SET state = 'resolved' WHERE error_id = ? AND state <> 'resolved'");
  if (!find) return find.status();
  if (!update) return update.status();
  std::size_t changed = 0;
  for (const auto& id : errorIds) {
    find->bind(1, id);
    auto row = find->step();
    if (!row) return row.status();
    find->reset();
    if (!*row) return Status::notFound("no error with id " + id);
    update->bind(1, id);
    FERRY_RETURN_IF_ERROR(update->run());
    changed += static_cast<std::size_t>(sqlite3_changes(db_->handle()));
  }
  FERRY_RETURN_IF_ERROR(tx.commit());
  return changed;
}

Result<std::size_t> RunStore::prune(std::chrono::system_clock::time_point runsCutoff,
                                    std::chrono::system_clock::time_point errorsCutoff) {
  std::lock_guard lock(mutex_);
  queue::Transaction tx(*db_);
  FERRY_RETURN_IF_ERROR(tx.begin());
  auto errors = db_->prepare(
      "DELETE FROM run_errors WHERE run_id IN (SELECT run_id FROM runs WHERE started_ms < ?) "
      "OR created_at < ?");
  auto runs = db_->prepare("DELETE FROM runs WHERE started_ms < ?");
  if (!errors) return errors.status();
  if (!runs) return runs.status();
  errors->bind(1, epochMs(runsCutoff)).bind(2, isoTime(errorsCutoff));
  FERRY_RETURN_IF_ERROR(errors->run());
  runs->bind(1, epochMs(runsCutoff));
  FERRY_RETURN_IF_ERROR(runs->run());
  const auto deleted = static_cast<std::size_t>(sqlite3_changes(db_->handle()));
  FERRY_RETURN_IF_ERROR(tx.commit());
  return deleted;
}

}  // namespace ferry::agent::runtime
