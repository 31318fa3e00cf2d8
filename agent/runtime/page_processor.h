#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "common/json/json.h"
#include "common/model/resources.h"
#include "common/transform/steps.h"

namespace ferry::agent::runtime {

// A record that failed a step (DESIGN.md "Errors"): the step, the message and the record as
// it entered that step, so a retry can run it through that step and the ones after it.
struct RecordError {
  std::string errorId;          // UUID, given when the run keeps the error
  std::size_t recordIndex = 0;  // in the page
  std::size_t stepIndex = 0;    // in the flow's steps
  std::string step;             // "map", "lookup customer", "import orders-to-dwh"
  std::string message;
  ferry::Json record;
};

struct PageCounts {
  std::uint64_t read = 0;      // records in the page
  std::uint64_t filtered = 0;  // dropped by a filter step
  std::uint64_t written = 0;   // rows the destinations accepted (over every import)
  std::uint64_t failed = 0;    // records with at least one error
};

struct PageResult {
  connectors::Outcome outcome;  // not ok: the page is not done, retry it (or fail the run)
  PageCounts counts;
  std::vector<RecordError> errors;
};

// A page after the flow's steps and before its imports wrote it (PageProcessor::prepare).
struct PreparedPage {
  connectors::PageId pageId;
  PageResult result;  // counts and errors so far; outcome not ok: a lookup failed, retry
  std::shared_ptr<const std::vector<ferry::Json>> input;  // the page as read
  // Each record as it is now (or entered its failed step), where a step changed it;
  // `changed` says which: the others are still `input`'s, not copied.
  std::vector<ferry::Json> current;
  std::vector<bool> changed;
  std::vector<bool> failed;  // per record: has an error already
  // Per import id: its rows and, for each row, the index of its record in the page.
  std::map<std::string, std::pair<std::vector<ferry::Json>, std::vector<std::size_t>>> rows;

  // Records whose final state went into the row of the flow's last step, a plain import
  // (StepPipeline::Output::kInLastImport): its id and, per record, the row's index there.
  std::string lastImport;
  std::vector<std::size_t> rowOfOutput;  // kNoRow when the record is in `current`/`input`
  static constexpr std::size_t kNoRow = static_cast<std::size_t>(-1);

  // Each record as it is now (for error reports).
  const ferry::Json& record(std::size_t i) const {
    if (rowOfOutput[i] != kNoRow) return rows.at(lastImport).first[rowOfOutput[i]];
    return changed[i] ? current[i] : (*input)[i];
  }
};

// Runs a flow's steps over one page at a time and writes the imports' rows. Steps are cut
// into segments at each lookup step, and the whole page goes through one segment before the
// next, so a lookup fetches the rows for the page's records as they are at that step (after
// earlier maps), in one query per page. Each import writes its rows of the page in one call
// with the page's identity, so SQL destinations skip a page they already hold (a retried
// page is written once). One instance per flow. prepare() and write() may run at the same
// time on two threads (a page each: they use the lookups and the imports respectively);
// neither may run on two threads at once.
class PageProcessor {
 public:
  struct Connectors {
    std::map<std::string, std::unique_ptr<connectors::LookupSource>> lookups;  // by lookup id
    std::map<std::string, std::unique_ptr<connectors::Destination>> imports;   // by import id
  };

  // kInvalidArgument when a step does not compile (validation catches that first).
  static Result<std::unique_ptr<PageProcessor>> create(const model::Definitions& definitions,
                                                       const model::Flow& flow,
                                                       Connectors connectors);

  PageResult process(const connectors::PageId& pageId, const std::vector<ferry::Json>& records);
  // process() in two halves, so a flow can run the steps of one page while the previous
  // page is being written. write() starts over from `page` on each call (retry-safe).
  PreparedPage prepare(const connectors::PageId& pageId,
                       std::shared_ptr<const std::vector<ferry::Json>> records);
  PageResult write(const PreparedPage& page);
  // Consecutive pages of one topic: each import writes them in one call (SQL destinations:
  // one transaction). A result per page; when one is not ok the batch is not done and is
  // written again as a whole (imports skip what their checkpoints cover).
  std::vector<PageResult> write(const std::vector<const PreparedPage*>& pages);

  // The steps on `records` without writing anything: per record, what `ferry-agent preview`
  // prints ({"filtered", "output", "imports": {id: row}, "errors": […]}, and "lookups":
  // {id: "skipped" | "failed: …"} for lookups whose rows were not fetched).
  std::vector<ferry::Json> preview(const std::vector<ferry::Json>& records);

  struct Segment {
    std::size_t firstStep = 0;
    std::string lookupId;  // "" when the segment does not start with a lookup
    transform::StepPipeline pipeline;
  };

  // Use create(); public for std::make_unique.
  PageProcessor(std::vector<Segment> segments, std::vector<std::string> importOrder,
                std::map<std::string, std::size_t> importStep, Connectors connectors)
      : segments_(std::move(segments)),
        importOrder_(std::move(importOrder)),
        importStep_(std::move(importStep)),
        connectors_(std::move(connectors)) {}

 private:
  std::vector<Segment> segments_;
  std::vector<std::string> importOrder_;           // import ids in step order
  std::map<std::string, std::size_t> importStep_;  // import id -> its step index
  Connectors connectors_;
};

}  // namespace ferry::agent::runtime
