#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/connectors/outcome.h"
#include "common/json/json.h"
#include "common/log/logger.h"
#include "common/model/resources.h"
#include "common/secrets/secret_store.h"
#include "common/transform/steps.h"

// The three small interfaces every connector type implements (DESIGN.md "Resource model",
// "The agent"): a Source yields pages with the progress to commit with them, a Destination
// writes a page, a LookupSource fetches rows for a page's keys. The engine owns threads,
// retries and the queue; a connector instance is used by one thread at a time.
namespace ferry::agent::connectors {

// A page read from a source. `progress` is what the queue commits with the page in the
// same transaction (LogQueue::append) and what the next read resumes from; for SQL it is
// {"field": <last delta.field value>, "key": <last delta.key value>}.
struct ExportPage {
  std::vector<ferry::Json> records;
  ferry::Json progress;
  // Records that could not be read (a malformed CSV line): reported as per-record errors
  // with `records`-independent indexes (the line number is in the message).
  std::vector<RecordFailure> failures;
};

class Source {
 public:
  virtual ~Source() = default;
  // Starts a read that resumes after `progress` (the progress stored with the export's last
  // queued page; null on the first run: `delta.initial` or the beginning).
  virtual Outcome open(const ferry::Json& progress) = 0;
  // The next page, or nullopt when this read is exhausted. A page may be empty of records
  // but carry failures or progress (a file of malformed lines, an archived file).
  virtual Outcome next(std::optional<ExportPage>& page) = 0;
  // Called once the page with this progress is durably queued: files move to their archive
  // only now, so a crash before the commit re-reads them instead of losing them.
  virtual Outcome committed(const ferry::Json& progress) {
    (void)progress;
    return {};
  }
};

// Identifies a page for exactly-once delivery (DESIGN.md "Delivery"): SQL destinations keep
// (queueId, flowId, importId, topic) -> last seq in their ferry_checkpoints table; HTTP
// destinations derive Idempotency-Key from it and the record index.
struct PageId {
  std::string queueId;
  std::string flowId;
  std::string importId;
  std::string topic;
  std::uint64_t seq = 0;
};

struct PageWrite {
  Outcome outcome;                      // not ok: nothing of the page counts as written
  std::vector<RecordFailure> failures;  // with an ok outcome: these rows were not written
  bool alreadyWritten = false;          // the destination's checkpoint covered the page
};

// One page's rows in a batch handed to Destination::writePages.
struct PageRows {
  PageId page;
  const std::vector<ferry::Json>* rows = nullptr;
};

class Destination {
 public:
  virtual ~Destination() = default;
  // Writes the rows (shaped by the import's mapping) of one page. SQL destinations write
  // the page and its checkpoint in one transaction and report a page the checkpoint covers
  // as alreadyWritten without writing it again.
  virtual PageWrite write(const PageId& page, const std::vector<ferry::Json>& rows) = 0;
  // Writes consecutive pages of one topic (seq ascending), a PageWrite each. SQL destinations
  // write them in one transaction with one checkpoint, the last page's, so a batch costs the
  // database one commit. This default writes page by page and stops after the first page
  // that fails: the result is then shorter than `pages`.
  virtual std::vector<PageWrite> writePages(const std::vector<PageRows>& pages) {
    std::vector<PageWrite> out;
    for (const auto& p : pages) {
      out.push_back(write(p.page, *p.rows));
      if (!out.back().outcome.ok()) break;
    }
    return out;
  }
  // The last seq this destination recorded for (queueId, flowId, importId, topic); nullopt
  // when none or when the destination keeps no checkpoints (files, HTTP).
  virtual Result<std::optional<std::uint64_t>> checkpoint(const PageId& page) {
    (void)page;
    return std::optional<std::uint64_t>{};
  }
};

// Rows a lookup fetched for one page, usable by StepPipeline::run.
class LookupSource {
 public:
  virtual ~LookupSource() = default;
  // Fetches rows for every record of the page (the `match` form in one query for the
  // page's distinct keys). Records whose fetch failed (the `query` form runs per record)
  // are listed in `failures` and have no rows.
  struct Fetched {
    Outcome outcome;
    std::unique_ptr<transform::LookupRows> rows;
    std::vector<RecordFailure> failures;
  };
  virtual Fetched fetch(const std::vector<ferry::Json>& records) = 0;
};

// What a connector may use while it opens: the secrets of this agent (resolved on open,
// never logged), the state directory (file exports remember read files there) and a logger.
struct ConnectorContext {
  const secrets::SecretResolver* secrets = nullptr;
  std::string stateDir;
  const Logger* logger = nullptr;
};

}  // namespace ferry::agent::connectors
