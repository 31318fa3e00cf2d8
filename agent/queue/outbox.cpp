#include "agent/queue/outbox.h"

#include <algorithm>

#include <chrono>

#include "agent/queue/sqlite_db.h"

namespace ferry::agent::queue {

namespace {

constexpr int kSchemaVersion = 1;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY,   -- assigned from meta.next_seq, never reused
  type TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  body TEXT NOT NULL
);
INSERT OR IGNORE INTO meta(key, value) VALUES('next_seq', 1), ('dropped_superseded', 0);
)sql";

std::int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct Outbox::Impl {
  Options options;
  std::string path;
  std::mutex mu;
  std::unique_ptr<Connection> conn;  // guarded by mu
  Statement nextSeq, bumpSeq, insert, pending, ack, bumpDropped;
  std::int64_t bytes = 0;  // guarded by mu
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::~Outbox() = default;

bool Outbox::isSuperseded(const std::string& type) {
  return type == "run.progress" || type == "heartbeat";
}

Result<std::unique_ptr<Outbox>> Outbox::open(const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.hardCapBytes <= 0) {
    impl->options.hardCapBytes = options.quotaBytes + options.quotaBytes / 4;
  }
  impl->path = options.stateDir + "/outbox.db";
  auto conn = Connection::open(impl->path, true, options.synchronous);
  if (!conn) return conn.status();
  Connection& c = **conn;
  auto version = c.prepare("PRAGMA user_version");
  if (!version) return version.status();
  if (auto r = version->step(); !r) return r.status();
  if (version->columnInt(0) > kSchemaVersion) {
    return Status::failedPrecondition("'" + impl->path + "' has outbox schema version " +
                                      std::to_string(version->columnInt(0)) +
                                      ", newer than this Ferry knows; upgrade Ferry");
  }
  version->reset();
  {
    Transaction tx(c);
    FERRY_RETURN_IF_ERROR(tx.begin());
    FERRY_RETURN_IF_ERROR(c.exec(kSchema));
    FERRY_RETURN_IF_ERROR(c.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)));
    FERRY_RETURN_IF_ERROR(tx.commit());
  }
  auto prep = [&](Statement& s, const char* sql) -> Status {
    auto st = c.prepare(sql);
    if (!st) return st.status();
    s = std::move(*st);
    return Status::ok();
  };
  FERRY_RETURN_IF_ERROR(prep(impl->nextSeq, "SELECT value FROM meta WHERE key='next_seq'"));
  FERRY_RETURN_IF_ERROR(prep(impl->bumpSeq, "UPDATE meta SET value=?1 WHERE key='next_seq'"));
  FERRY_RETURN_IF_ERROR(prep(impl->insert,
                             "INSERT INTO events(seq, type, created_at, bytes, body) "
                             "VALUES(?1, ?2, ?3, ?4, ?5)"));
  FERRY_RETURN_IF_ERROR(prep(impl->pending,
                             "SELECT seq, type, created_at, body FROM events WHERE seq>?1 "
                             "ORDER BY seq LIMIT ?2"));
  FERRY_RETURN_IF_ERROR(prep(impl->ack, "DELETE FROM events WHERE seq<=?1"));
  FERRY_RETURN_IF_ERROR(
      prep(impl->bumpDropped, "UPDATE meta SET value=value+1 WHERE key='dropped_superseded'"));
  auto sum = c.prepare("SELECT coalesce(sum(bytes),0) FROM events");
  if (!sum) return sum.status();
  if (auto r = sum->step(); !r) return r.status();
  impl->bytes = sum->columnInt(0);
  impl->conn = std::move(*conn);
  return std::make_unique<Outbox>(std::move(impl));
}

Result<Outbox::PushResult> Outbox::push(const std::string& type, const std::string& body) {
  Impl& im = *impl_;
  auto size = static_cast<std::int64_t>(body.size() + type.size());
  std::lock_guard lock(im.mu);
  if (im.bytes + size > im.options.quotaBytes) {
    if (isSuperseded(type)) {
      FERRY_RETURN_IF_ERROR(im.bumpDropped.run());
      return PushResult{Pushed::kDroppedSuperseded, 0};
    }
    if (im.bytes + size > im.options.hardCapBytes) {
      return Status::resourceExhausted(
          "outbox hard cap reached (" + std::to_string(im.bytes) + " of " +
          std::to_string(im.options.hardCapBytes) +
          " bytes): the event is lost; runs pause at the quota, so only a burst larger than "
          "the room above it gets here (raise outbox.quotaBytes)");
    }
  }
  Transaction tx(*im.conn);
  FERRY_RETURN_IF_ERROR(tx.begin());
  auto row = im.nextSeq.step();
  if (!row) return row.status();
  auto seq = im.nextSeq.columnInt(0);
  im.nextSeq.reset();
  FERRY_RETURN_IF_ERROR(
      im.insert.bind(1, seq).bind(2, type).bind(3, nowMillis()).bind(4, size).bind(5, body).run());
  FERRY_RETURN_IF_ERROR(im.bumpSeq.bind(1, seq + 1).run());
  FERRY_RETURN_IF_ERROR(tx.commit());
  im.bytes += size;
  return PushResult{Pushed::kStored, static_cast<std::uint64_t>(seq)};
}

Result<std::vector<OutboxEvent>> Outbox::pending(std::uint64_t afterSeq, std::size_t max) {
  Impl& im = *impl_;
  std::lock_guard lock(im.mu);
  std::vector<OutboxEvent> out;
  im.pending.bind(1, static_cast<std::int64_t>(afterSeq)).bind(2, static_cast<std::int64_t>(max));
  for (;;) {
    auto row = im.pending.step();
    if (!row) {
      im.pending.reset();
      return row.status();
    }
    if (!*row) break;
    OutboxEvent e;
    e.seq = static_cast<std::uint64_t>(im.pending.columnInt(0));
    e.type = std::string(im.pending.columnText(1));
    e.createdAtMillis = im.pending.columnInt(2);
    e.body = std::string(im.pending.columnText(3));
    out.push_back(std::move(e));
  }
  im.pending.reset();
  return out;
}

Status Outbox::ackUpTo(std::uint64_t seq) {
  Impl& im = *impl_;
  std::lock_guard lock(im.mu);
  Transaction tx(*im.conn);
  FERRY_RETURN_IF_ERROR(tx.begin());
  // Only the acknowledged range is read (by primary key): summing the whole table on every
  // ack made acks the bottleneck of delivery with a large backlog.
  auto sum = im.conn->prepare("SELECT coalesce(sum(bytes),0) FROM events WHERE seq<=?1");
  if (!sum) return sum.status();
  sum->bind(1, static_cast<std::int64_t>(seq));
  if (auto r = sum->step(); !r) return r.status();
  const std::int64_t removed = sum->columnInt(0);
  sum->reset();
  FERRY_RETURN_IF_ERROR(im.ack.bind(1, static_cast<std::int64_t>(seq)).run());
  FERRY_RETURN_IF_ERROR(tx.commit());
  im.bytes = std::max<std::int64_t>(0, im.bytes - removed);
  return Status::ok();
}

bool Outbox::overQuota() {
  std::lock_guard lock(impl_->mu);
  return impl_->bytes >= impl_->options.quotaBytes;
}

Result<std::uint64_t> Outbox::lastSeq() {
  Impl& im = *impl_;
  std::lock_guard lock(im.mu);
  auto q = im.conn->prepare("SELECT value FROM meta WHERE key='next_seq'");
  if (!q) return q.status();
  if (auto r = q->step(); !r) return r.status();
  return static_cast<std::uint64_t>(q->columnInt(0) - 1);
}

Result<OutboxStats> Outbox::stats() {
  Impl& im = *impl_;
  std::lock_guard lock(im.mu);
  OutboxStats s;
  s.bytes = im.bytes;
  auto q = im.conn->prepare(
      "SELECT count(*), min(created_at), (SELECT value FROM meta WHERE key='dropped_superseded'),"
      " (SELECT value FROM meta WHERE key='next_seq') FROM events");
  if (!q) return q.status();
  if (auto r = q->step(); !r) return r.status();
  s.count = static_cast<std::uint64_t>(q->columnInt(0));
  if (!q->columnIsNull(1)) {
    s.oldestAgeSeconds = static_cast<double>(nowMillis() - q->columnInt(1)) / 1000.0;
  }
  s.droppedSuperseded = static_cast<std::uint64_t>(q->columnInt(2));
  s.lastSeq = static_cast<std::uint64_t>(q->columnInt(3) - 1);
  return s;
}

}  // namespace ferry::agent::queue
