#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "common/status/result.h"

namespace ferry::agent::queue {

class Connection;
class Statement;

// A page as stored: its sequence number in the topic and its records (shared, read-only:
// a page this process appended lately is handed out from memory, see RecentPages).
struct StoredPage {
  std::uint64_t seq = 0;
  std::shared_ptr<const std::vector<ferry::Json>> records;
};

struct ConsumerStats {
  std::string consumer;
  std::string topic;
  std::uint64_t committed = 0;
  std::uint64_t lagPages = 0;  // appended but not yet committed by this consumer
};

struct QueueStats {
  std::int64_t bytesUsed = 0;
  std::int64_t quotaBytes = 0;
  std::map<std::string, std::uint64_t> depthPages;  // retained pages per topic
  std::vector<ConsumerStats> consumers;
};

// The durable log-queue of one state directory (docs/queue-format.md): one topic per
// export, pages with gap-free sequence numbers that are never reused, one committed offset
// per (consumer, topic), the export's progress stored with each page in one transaction.
// Thread-safety: every method may be called from any thread. Writes go through one
// connection under a mutex; reads use a pool of reader connections (WAL lets them run
// beside the writer).
class LogQueue {
 public:
  struct Options {
    std::string stateDir;
    std::int64_t quotaBytes = std::int64_t{1} << 30;  // agent.json queue.quotaBytes
    std::string synchronous = "FULL";                 // FULL or NORMAL
    std::int64_t maxPageBytes = std::int64_t{64} << 20;
    // Pages below every consumer's offset are deleted once this many can go at once.
    std::uint64_t retentionBatchPages = 64;
    // Pages appended lately stay decoded in memory for their consumers (RecentPages):
    // at most this many records, of at most this many stored bytes. 0 records: none kept.
    std::size_t recentRecords = 16000;
    std::int64_t recentBytes = std::int64_t{32} << 20;
  };
  enum class StartAt { kEarliest, kLatest };

  // Opens <stateDir>/queue.db, creating it (with a new queue id) when missing. A file of
  // a newer schema version, or a damaged file, is refused with an error naming it.
  static Result<std::unique_ptr<LogQueue>> open(const Options& options);
  ~LogQueue();

  const std::string& queueId() const { return queueId_; }
  const std::string& path() const { return path_; }

  // Appends a page and the export's new progress in one transaction; returns its seq.
  // kResourceExhausted ("queue full") when the quota would be exceeded: nothing is stored,
  // the caller pauses the export. kInvalidArgument for an empty or oversized page.
  Result<std::uint64_t> append(const std::string& topic, const std::vector<ferry::Json>& records,
                               const ferry::Json& progress);
  // The same, giving the records up once stored (they are moved only when the append
  // succeeds), so the page can be kept decoded for its consumers.
  Result<std::uint64_t> append(const std::string& topic, std::vector<ferry::Json>&& records,
                               const ferry::Json& progress);
  // The progress stored with the topic's last page (null before the first).
  Result<ferry::Json> progress(const std::string& topic);

  // Registers a consumer of a topic (idempotent: an existing offset is kept).
  Status registerConsumer(const std::string& consumer, const std::string& topic, StartAt start);
  // Up to maxPages pages after the consumer's committed offset (or after `after`, when the
  // consumer has processed pages whose commit is still on its way), in order.
  Result<std::vector<StoredPage>> read(const std::string& consumer, const std::string& topic,
                                       std::size_t maxPages, std::uint64_t after = 0);
  // Durably moves the offset to `seq` (everything up to it is done). Backwards or beyond
  // the last appended page is an error; the same offset again is fine.
  Status commit(const std::string& consumer, const std::string& topic, std::uint64_t seq);
  Result<std::uint64_t> committed(const std::string& consumer, const std::string& topic);

  // Deletes every page below all consumers' offsets now (commit() does it in batches).
  Status runRetention();
  Result<QueueStats> stats();

  // Further calls fail with kFailedPrecondition. Called by the destructor.
  void close();

  struct Impl;
  explicit LogQueue(std::unique_ptr<Impl> impl);  // use open()

 private:
  Status retainTopic(const std::string& topic, bool force);
  Result<std::uint64_t> appendPage(const std::string& topic,
                                   const std::vector<ferry::Json>& records,
                                   const ferry::Json& progress, std::vector<ferry::Json>* giveUp);

  std::unique_ptr<Impl> impl_;
  std::string queueId_;
  std::string path_;
};

}  // namespace ferry::agent::queue
