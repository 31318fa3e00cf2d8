#include "agent/queue/log_queue.h"

#include <algorithm>
#include <chrono>

#include "agent/queue/recent_pages.h"
#include "agent/queue/sqlite_db.h"
#include "common/json/json_writer.h"

namespace ferry::agent::queue {

using json = ferry::Json;

namespace {

constexpr int kSchemaVersion = 1;

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS topics(
  topic TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL,   -- kept by Ferry, never reused (not a rowid)
  progress TEXT                -- the export's watermark, JSON, written with each page
);
CREATE TABLE IF NOT EXISTS pages(
  topic TEXT NOT NULL,
  seq INTEGER NOT NULL,
  records INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  appended_at INTEGER NOT NULL,  -- unix milliseconds
  payload BLOB NOT NULL,         -- the records as one JSON array (docs/decisions/0002)
  PRIMARY KEY(topic, seq)
) WITHOUT ROWID;
-- A page's row holds its payload, so few fit in a database page: listing the pages after an
-- offset, or summing the bytes retention frees, reads this thin copy of the keys instead.
CREATE INDEX IF NOT EXISTS pages_by_seq ON pages(topic, seq, bytes);
CREATE TABLE IF NOT EXISTS consumers(
  consumer TEXT NOT NULL,
  topic TEXT NOT NULL,
  committed INTEGER NOT NULL,
  PRIMARY KEY(consumer, topic)
) WITHOUT ROWID;
)sql";

std::int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Statements of the writer connection, prepared once.
struct Writer {
  std::unique_ptr<Connection> conn;
  Statement topicGet, topicInsert, pageInsert, topicUpdate, consumerGet, consumerInsert,
      commitUpdate, minCommitted, pageBytes, deletePages, firstSeq;
};

struct Reader {
  std::unique_ptr<Connection> conn;
  Statement readPages, readPayload, committed, progress;
};

Result<Reader> makeReader(const std::string& path, const std::string& synchronous) {
  auto conn = Connection::open(path, false, synchronous);
  if (!conn) return conn.status();
  Reader r;
  auto prep = [&](Statement& s, const char* sql) -> Status {
    auto st = (*conn)->prepare(sql);
    if (!st) return st.status();
    s = std::move(*st);
    return Status::ok();
  };
  FERRY_RETURN_IF_ERROR(
      prep(r.readPages, "SELECT seq FROM pages WHERE topic=?1 AND seq>?2 ORDER BY seq LIMIT ?3"));
  // Only for pages RecentPages does not hold: reading a payload walks its overflow pages.
  FERRY_RETURN_IF_ERROR(prep(r.readPayload, "SELECT payload FROM pages WHERE topic=?1 AND seq=?2"));
  FERRY_RETURN_IF_ERROR(
      prep(r.committed, "SELECT committed FROM consumers WHERE consumer=?1 AND topic=?2"));
  FERRY_RETURN_IF_ERROR(prep(r.progress, "SELECT progress FROM topics WHERE topic=?1"));
  r.conn = std::move(*conn);
  return r;
}

}  // namespace

struct LogQueue::Impl {
  Options options;
  std::string path;
  std::mutex writeMu;
  Writer writer;                                      // guarded by writeMu
  std::int64_t bytesUsed = 0;                         // guarded by writeMu
  std::map<std::string, std::uint64_t> retainedUpTo;  // guarded by writeMu
  std::mutex readMu;
  std::vector<Reader> readers;  // idle readers, guarded by readMu
  bool closed = false;          // set holding writeMu and readMu; read holding either
  std::unique_ptr<RecentPages> recent;

  Result<Reader> takeReader() {
    {
      std::lock_guard lock(readMu);
      if (!readers.empty()) {
        Reader r = std::move(readers.back());
        readers.pop_back();
        return r;
      }
    }
    return makeReader(path, options.synchronous);
  }
  void giveBack(Reader r) {
    std::lock_guard lock(readMu);
    if (readers.size() < 8) readers.push_back(std::move(r));
  }
};

LogQueue::LogQueue(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LogQueue::~LogQueue() {
  close();
}

Result<std::unique_ptr<LogQueue>> LogQueue::open(const Options& options) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL") {
    return Status::invalidArgument("queue.synchronous must be FULL or NORMAL, not '" +
                                   options.synchronous + "'");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->path = options.stateDir + "/queue.db";
  impl->recent = std::make_unique<RecentPages>(options.recentRecords, options.recentBytes);
  // Pages of records are blobs of 100 KB and more: with 16 KiB database pages, appending,
  // reading and deleting one walks a few overflow pages instead of dozens (CPU per row
  // through the flow benchmark: 8.6 µs at 4 KiB, 6.9 at 64 KiB). 16 KiB measured the same as
  // 64 KiB, which cost an idle agent 0.3 MB more for the pages its connections keep cached.
  auto conn = Connection::open(impl->path, true, options.synchronous, false, 16384);
  if (!conn) return conn.status();
  Connection& c = **conn;

  // Schema version: refuse what a newer Ferry wrote, create or migrate what is older.
  auto version = c.prepare("PRAGMA user_version");
  if (!version) return version.status();
  auto hasRow = version->step();
  if (!hasRow) return hasRow.status();
  std::int64_t found = version->columnInt(0);
  version->reset();
  if (found > kSchemaVersion) {
    return Status::failedPrecondition("'" + impl->path + "' has queue schema version " +
                                      std::to_string(found) + ", newer than this Ferry knows (" +
                                      std::to_string(kSchemaVersion) + "); upgrade Ferry");
  }
  {
    Transaction tx(c);
    FERRY_RETURN_IF_ERROR(tx.begin());
    FERRY_RETURN_IF_ERROR(c.exec(kSchema));
    FERRY_RETURN_IF_ERROR(c.exec("PRAGMA user_version=" + std::to_string(kSchemaVersion)));
    auto uuid = randomUuid();
    if (!uuid) return uuid.status();
    auto ins = c.prepare("INSERT OR IGNORE INTO meta(key, value) VALUES('queue_id', ?1)");
    if (!ins) return ins.status();
    FERRY_RETURN_IF_ERROR(ins->bind(1, *uuid).run());
    FERRY_RETURN_IF_ERROR(tx.commit());
  }
  auto q = std::make_unique<LogQueue>(std::move(impl));
  Impl& im = *q->impl_;
  q->path_ = im.path;
  {
    auto id = c.prepare("SELECT value FROM meta WHERE key='queue_id'");
    if (!id) return id.status();
    auto row = id->step();
    if (!row || !*row) return Status::dataLoss("'" + im.path + "' has no queue id");
    q->queueId_ = std::string(id->columnText(0));
    id->reset();
    auto bytes = c.prepare("SELECT coalesce(sum(bytes),0) FROM pages");
    if (!bytes) return bytes.status();
    if (auto r = bytes->step(); !r) return r.status();
    im.bytesUsed = bytes->columnInt(0);
  }
  Writer& w = im.writer;
  auto prep = [&](Statement& s, const char* sql) -> Status {
    auto st = c.prepare(sql);
    if (!st) return st.status();
    s = std::move(*st);
    return Status::ok();
  };
  FERRY_RETURN_IF_ERROR(prep(w.topicGet, "SELECT next_seq FROM topics WHERE topic=?1"));
  FERRY_RETURN_IF_ERROR(prep(w.topicInsert, "INSERT INTO topics(topic, next_seq) VALUES(?1, 1)"));
  FERRY_RETURN_IF_ERROR(prep(w.pageInsert,
                             "INSERT INTO pages(topic, seq, records, bytes, appended_at, payload) "
                             "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
  FERRY_RETURN_IF_ERROR(
      prep(w.topicUpdate, "UPDATE topics SET next_seq=?2, progress=?3 WHERE topic=?1"));
  FERRY_RETURN_IF_ERROR(
      prep(w.consumerGet, "SELECT committed FROM consumers WHERE consumer=?1 AND topic=?2"));
  FERRY_RETURN_IF_ERROR(
      prep(w.consumerInsert, "INSERT INTO consumers(consumer, topic, committed) VALUES(?1,?2,?3)"));
  FERRY_RETURN_IF_ERROR(
      prep(w.commitUpdate, "UPDATE consumers SET committed=?3 WHERE consumer=?1 AND topic=?2"));
  FERRY_RETURN_IF_ERROR(
      prep(w.minCommitted, "SELECT min(committed), count(*) FROM consumers WHERE topic=?1"));
  FERRY_RETURN_IF_ERROR(
      prep(w.pageBytes, "SELECT coalesce(sum(bytes),0) FROM pages WHERE topic=?1 AND seq<=?2"));
  FERRY_RETURN_IF_ERROR(prep(w.deletePages, "DELETE FROM pages WHERE topic=?1 AND seq<=?2"));
  FERRY_RETURN_IF_ERROR(prep(w.firstSeq, "SELECT min(seq) FROM pages WHERE topic=?1"));
  w.conn = std::move(*conn);
  return q;
}

void LogQueue::close() {
  if (!impl_) return;
  std::scoped_lock lock(impl_->writeMu, impl_->readMu);
  if (impl_->closed) return;
  impl_->closed = true;
  impl_->readers.clear();
  impl_->writer = Writer{};
  impl_->recent->clear();
}

namespace {

Status closedError() {
  return Status::failedPrecondition("the queue is closed");
}

// next_seq of a topic, or 1 for a topic never appended to (no row yet).
Result<std::uint64_t> nextSeq(Statement& topicGet, const std::string& topic, bool& exists) {
  topicGet.bind(1, topic);
  auto row = topicGet.step();
  if (!row) return row.status();
  exists = *row;
  std::uint64_t next = exists ? static_cast<std::uint64_t>(topicGet.columnInt(0)) : 1;
  topicGet.reset();
  return next;
}

// The committed offset of (consumer, topic) through a prepared "SELECT committed …"
// statement; -1 when the consumer is not registered.
Result<std::int64_t> readOffset(Statement& select, const std::string& consumer,
                                const std::string& topic) {
  select.bind(1, consumer).bind(2, topic);
  auto row = select.step();
  std::int64_t offset = row && *row ? select.columnInt(0) : -1;
  select.reset();
  if (!row) return row.status();
  return offset;
}

Status notRegistered(const std::string& consumer, const std::string& topic) {
  return Status::notFound("consumer '" + consumer + "' is not registered for topic '" + topic +
                          "'");
}

}  // namespace

Result<std::uint64_t> LogQueue::append(const std::string& topic, const std::vector<json>& records,
                                       const json& progress) {
  return appendPage(topic, records, progress, nullptr);
}

Result<std::uint64_t> LogQueue::append(const std::string& topic, std::vector<json>&& records,
                                       const json& progress) {
  return appendPage(topic, records, progress, &records);
}

Result<std::uint64_t> LogQueue::appendPage(const std::string& topic,
                                           const std::vector<json>& records, const json& progress,
                                           std::vector<json>* giveUp) {
  if (records.empty()) return Status::invalidArgument("append: a page needs at least one record");
  if (topic.empty()) return Status::invalidArgument("append: empty topic name");
  // One JSON array per page, written record by record (a json array would deep-copy every
  // record), by our writer: nlohmann's dump goes through a virtual call per character.
  ferry::json::JsonWriter writer(records.size() * 128);
  writer.beginArray();
  for (const auto& record : records) writer.value(record);
  writer.endArray();
  std::string payload = writer.take();
  auto bytes = static_cast<std::int64_t>(payload.size());
  Impl& im = *impl_;
  if (bytes > im.options.maxPageBytes) {
    return Status::invalidArgument("append to '" + topic + "': page of " + std::to_string(bytes) +
                                   " bytes exceeds the page limit of " +
                                   std::to_string(im.options.maxPageBytes));
  }
  std::string progressText = progress.dump();
  std::lock_guard lock(im.writeMu);
  if (im.closed) return closedError();
  if (im.bytesUsed + bytes > im.options.quotaBytes) {
    return Status::resourceExhausted("queue full: " + std::to_string(im.bytesUsed) + " of " +
                                     std::to_string(im.options.quotaBytes) +
                                     " bytes used; pausing until consumers catch up");
  }
  Writer& w = im.writer;
  Transaction tx(*w.conn);
  FERRY_RETURN_IF_ERROR(tx.begin());
  bool exists = false;
  auto seq = nextSeq(w.topicGet, topic, exists);
  if (!seq) return seq.status();
  if (!exists) FERRY_RETURN_IF_ERROR(w.topicInsert.bind(1, topic).run());
  FERRY_RETURN_IF_ERROR(w.pageInsert.bind(1, topic)
                            .bind(2, static_cast<std::int64_t>(*seq))
                            .bind(3, static_cast<std::int64_t>(records.size()))
                            .bind(4, bytes)
                            .bind(5, nowMillis())
                            .bindBlob(6, payload)
                            .run());
  FERRY_RETURN_IF_ERROR(w.topicUpdate.bind(1, topic)
                            .bind(2, static_cast<std::int64_t>(*seq + 1))
                            .bind(3, progressText)
                            .run());
  FERRY_RETURN_IF_ERROR(tx.commit());
  im.bytesUsed += bytes;
  if (giveUp != nullptr && im.recent) {
    auto kept = std::make_shared<const std::vector<json>>(std::move(*giveUp));
    im.recent->offer(topic, *seq, bytes, std::move(kept));
  }
  return *seq;
}

Result<json> LogQueue::progress(const std::string& topic) {
  auto reader = impl_->takeReader();
  if (!reader) return reader.status();
  Statement& s = reader->progress;
  s.bind(1, topic);
  auto row = s.step();
  json out = nullptr;
  if (row && *row && !s.columnIsNull(0)) out = json::parse(s.columnText(0), nullptr, false);
  s.reset();
  if (!row) return row.status();
  impl_->giveBack(std::move(*reader));
  if (out.is_discarded()) return Status::dataLoss("progress of topic '" + topic + "' is damaged");
  return out;
}

Status LogQueue::registerConsumer(const std::string& consumer, const std::string& topic,
                                  StartAt start) {
  Impl& im = *impl_;
  std::lock_guard lock(im.writeMu);
  if (im.closed) return closedError();
  Writer& w = im.writer;
  Transaction tx(*w.conn);
  FERRY_RETURN_IF_ERROR(tx.begin());
  auto existing = readOffset(w.consumerGet, consumer, topic);
  if (!existing) return existing.status();
  if (*existing >= 0) return tx.commit();  // already registered: keep its offset
  bool exists = false;
  auto next = nextSeq(w.topicGet, topic, exists);
  if (!next) return next.status();
  std::uint64_t offset = *next - 1;  // latest: only pages appended from now on
  if (start == StartAt::kEarliest) {
    w.firstSeq.bind(1, topic);
    auto first = w.firstSeq.step();
    if (!first) return first.status();
    if (!w.firstSeq.columnIsNull(0)) {
      offset = static_cast<std::uint64_t>(w.firstSeq.columnInt(0)) - 1;
    }
    w.firstSeq.reset();
  }
  FERRY_RETURN_IF_ERROR(w.consumerInsert.bind(1, consumer)
                            .bind(2, topic)
                            .bind(3, static_cast<std::int64_t>(offset))
                            .run());
  return tx.commit();
}

Result<std::vector<StoredPage>> LogQueue::read(const std::string& consumer,
                                               const std::string& topic, std::size_t maxPages,
                                               std::uint64_t after) {
  {
    // Not writeMu: an append or commit holds it through its fsync.
    std::lock_guard lock(impl_->readMu);
    if (impl_->closed) return closedError();
  }
  auto reader = impl_->takeReader();
  if (!reader) return reader.status();
  auto found = readOffset(reader->committed, consumer, topic);
  if (!found) return found.status();
  std::int64_t offset = *found;
  if (offset < 0) {
    impl_->giveBack(std::move(*reader));
    return notRegistered(consumer, topic);
  }
  offset = std::max(offset, static_cast<std::int64_t>(after));
  std::vector<StoredPage> pages;
  Statement& r = reader->readPages;
  r.bind(1, topic).bind(2, offset).bind(3, static_cast<std::int64_t>(maxPages));
  for (;;) {
    auto more = r.step();
    if (!more) {
      r.reset();
      return more.status();
    }
    if (!*more) break;
    StoredPage page;
    page.seq = static_cast<std::uint64_t>(r.columnInt(0));
    if (impl_->recent) page.records = impl_->recent->find(topic, page.seq);
    if (page.records) {
      pages.push_back(std::move(page));
      continue;
    }
    Statement& p = reader->readPayload;
    p.bind(1, topic).bind(2, static_cast<std::int64_t>(page.seq));
    auto stored = p.step();
    json records = stored && *stored ? json::parse(p.columnText(0), nullptr, false) : json();
    p.reset();
    if (!stored) {
      r.reset();
      return stored.status();
    }
    if (records.is_discarded() || !records.is_array()) {
      r.reset();
      return Status::dataLoss("page " + std::to_string(page.seq) + " of topic '" + topic +
                              "' in '" + impl_->path + "' is damaged");
    }
    std::vector<json> decoded;
    decoded.reserve(records.size());
    for (auto& record : records) decoded.push_back(std::move(record));
    page.records = std::make_shared<const std::vector<json>>(std::move(decoded));
    pages.push_back(std::move(page));
  }
  r.reset();
  impl_->giveBack(std::move(*reader));
  return pages;
}

Result<std::uint64_t> LogQueue::committed(const std::string& consumer, const std::string& topic) {
  auto reader = impl_->takeReader();
  if (!reader) return reader.status();
  auto offset = readOffset(reader->committed, consumer, topic);
  if (!offset) return offset.status();
  impl_->giveBack(std::move(*reader));
  if (*offset < 0) return notRegistered(consumer, topic);
  return static_cast<std::uint64_t>(*offset);
}

Status LogQueue::commit(const std::string& consumer, const std::string& topic, std::uint64_t seq) {
  Impl& im = *impl_;
  {
    std::lock_guard lock(im.writeMu);
    if (im.closed) return closedError();
    Writer& w = im.writer;
    Transaction tx(*w.conn);
    FERRY_RETURN_IF_ERROR(tx.begin());
    auto found = readOffset(w.consumerGet, consumer, topic);
    if (!found) return found.status();
    std::int64_t current = *found;
    if (current < 0) return notRegistered(consumer, topic);
    bool exists = false;
    auto next = nextSeq(w.topicGet, topic, exists);
    if (!next) return next.status();
    if (seq >= *next) {
      return Status::invalidArgument("commit of '" + consumer + "' on '" + topic + "' to " +
                                     std::to_string(seq) + " is beyond the last page (" +
                                     std::to_string(*next - 1) + ")");
    }
    if (static_cast<std::int64_t>(seq) < current) {
      return Status::failedPrecondition("commit of '" + consumer + "' on '" + topic +
                                        "' would move backwards from " + std::to_string(current) +
                                        " to " + std::to_string(seq));
    }
    if (static_cast<std::int64_t>(seq) == current) return tx.commit();
    FERRY_RETURN_IF_ERROR(w.commitUpdate.bind(1, consumer)
                              .bind(2, topic)
                              .bind(3, static_cast<std::int64_t>(seq))
                              .run());
    FERRY_RETURN_IF_ERROR(tx.commit());
  }
  return retainTopic(topic, false);
}

Status LogQueue::retainTopic(const std::string& topic, bool force) {
  Impl& im = *impl_;
  std::uint64_t upTo = 0;
  Status deleted = [&]() -> Status {
    std::lock_guard lock(im.writeMu);
    if (im.closed) return closedError();
    Writer& w = im.writer;
    w.minCommitted.bind(1, topic);
    auto row = w.minCommitted.step();
    if (!row) return row.status();
    std::int64_t minOffset = w.minCommitted.columnIsNull(0) ? 0 : w.minCommitted.columnInt(0);
    std::int64_t consumers = w.minCommitted.columnInt(1);
    w.minCommitted.reset();
    if (consumers == 0 || minOffset <= 0) return Status::ok();
    upTo = static_cast<std::uint64_t>(minOffset);
    std::uint64_t done = im.retainedUpTo.count(topic) ? im.retainedUpTo[topic] : 0;
    if (upTo <= done || (!force && upTo - done < im.options.retentionBatchPages)) {
      return Status::ok();
    }
    Transaction tx(*w.conn);
    FERRY_RETURN_IF_ERROR(tx.begin());
    w.pageBytes.bind(1, topic).bind(2, minOffset);
    auto bytes = w.pageBytes.step();
    std::int64_t freed = bytes && *bytes ? w.pageBytes.columnInt(0) : 0;
    w.pageBytes.reset();
    if (!bytes) return bytes.status();
    FERRY_RETURN_IF_ERROR(w.deletePages.bind(1, topic).bind(2, minOffset).run());
    FERRY_RETURN_IF_ERROR(tx.commit());
    im.bytesUsed -= freed;
    im.retainedUpTo[topic] = upTo;
    return Status::ok();
  }();
  // Outside writeMu: freeing decoded pages takes a while, and appends wait for that mutex.
  if (upTo > 0 && im.recent) im.recent->dropUpTo(topic, upTo);
  return deleted;
}

Status LogQueue::runRetention() {
  std::vector<std::string> topics;
  {
    std::lock_guard lock(impl_->writeMu);
    if (impl_->closed) return closedError();
    auto s = impl_->writer.conn->prepare("SELECT topic FROM topics");
    if (!s) return s.status();
    for (;;) {
      auto row = s->step();
      if (!row) return row.status();
      if (!*row) break;
      topics.emplace_back(s->columnText(0));
    }
  }
  for (const auto& t : topics) FERRY_RETURN_IF_ERROR(retainTopic(t, true));
  return Status::ok();
}

Result<QueueStats> LogQueue::stats() {
  QueueStats out;
  std::lock_guard lock(impl_->writeMu);
  if (impl_->closed) return closedError();
  out.bytesUsed = impl_->bytesUsed;
  out.quotaBytes = impl_->options.quotaBytes;
  Connection& c = *impl_->writer.conn;
  auto depth = c.prepare("SELECT topic, count(*) FROM pages GROUP BY topic");
  if (!depth) return depth.status();
  for (;;) {
    auto row = depth->step();
    if (!row) return row.status();
    if (!*row) break;
    out.depthPages[std::string(depth->columnText(0))] =
        static_cast<std::uint64_t>(depth->columnInt(1));
  }
  auto consumers = c.prepare(
      "SELECT c.consumer, c.topic, c.committed, t.next_seq FROM consumers c "
      "LEFT JOIN topics t ON t.topic = c.topic ORDER BY c.topic, c.consumer");
  if (!consumers) return consumers.status();
  for (;;) {
    auto row = consumers->step();
    if (!row) return row.status();
    if (!*row) break;
    ConsumerStats s;
    s.consumer = std::string(consumers->columnText(0));
    s.topic = std::string(consumers->columnText(1));
    s.committed = static_cast<std::uint64_t>(consumers->columnInt(2));
    std::int64_t next = consumers->columnIsNull(3) ? 1 : consumers->columnInt(3);
    s.lagPages = static_cast<std::uint64_t>(next - 1) - s.committed;
    out.consumers.push_back(std::move(s));
  }
  return out;
}

}  // namespace ferry::agent::queue
