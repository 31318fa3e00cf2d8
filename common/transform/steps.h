#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/json/json.h"
#include "common/transform/json_logic.h"
#include "common/transform/mapping.h"
#include "common/transform/record_path.h"

namespace ferry::transform {

// A flow's steps compiled once per definition (DESIGN.md "Steps").
struct FilterStep {
  Logic logic;  // falsy: the record leaves the flow (counted as filtered)
};
struct MapStep {
  Mapping mapping;  // the record is replaced by the mapping's output
};
struct LookupStep {
  std::string lookupId;
  RecordPath into;    // where fetched rows are merged
  bool many = false;  // an array of rows, or the first row (null when none)
};
struct ImportStep {
  std::string importId;
  std::optional<Logic> filter;     // falsy: this import skips the record
  std::optional<Mapping> mapping;  // shapes the written row; none: the record as is
};
using Step = std::variant<FilterStep, MapStep, LookupStep, ImportStep>;

// "filter", "map", "lookup customer", "import orders-to-dwh": how errors name a step.
std::string describeStep(const Step& step);

// Rows a lookup fetched for a record (the connector fetches them per page, matching the
// page's distinct keys in one query). rowsFor returns nullptr when the lookup did not run
// (preview without connections): the record continues without the merge.
class LookupRows {
 public:
  virtual ~LookupRows() = default;
  virtual const std::vector<ferry::Json>* rowsFor(const std::string& lookupId,
                                                  const ferry::Json& record) const = 0;
};

// Merges rows into the record at `into`: with `many` an array (empty when none), else the
// first row (null when none). Missing parents are created; a value that exists at `into` is
// replaced. kInvalidArgument (a per-record error of the lookup step) when the record is not
// an object or a scalar sits in the way ("customer.name" with "customer": "ACME").
Status mergeLookup(ferry::Json& record, const RecordPath& into, bool many,
                   const std::vector<ferry::Json>& rows);
// The same with `into` as written in the lookup resource ("customer", "extra.lines");
// kInvalidArgument when the path is malformed. Prefer the RecordPath form per record.
Status mergeLookup(ferry::Json& record, const std::string& into, bool many,
                   const std::vector<ferry::Json>& rows);

struct ImportOutcome {
  bool skipped = false;  // the import's own filter said no
  ferry::Json row;       // what the import writes
};

struct StepError {
  std::size_t stepIndex = 0;
  std::string step;     // describeStep()
  std::string message;  // per-record, for a person
};

struct RecordOutcome {
  bool filtered = false;
  std::optional<std::size_t> filteredBy;  // step index of the filter that dropped it
  ferry::Json output;                     // the record after the steps that ran
  // With run(…, kOutputInLastImport): the output was moved into the row of the import that
  // is the last step (it has no mapping, so the row is the output); `output` is null.
  bool outputInLastImport = false;
  std::map<std::string, ImportOutcome> imports;
  std::vector<std::string> lookupsSkipped;  // lookups whose rows were not available
  std::vector<StepError> errors;
  bool failed() const { return !errors.empty(); }
};

// Runs records through the steps in order. A step error stops that record's remaining
// steps: the record counts as failed, with the error naming the step (imports that ran
// before the failing step have their rows in `imports`). Immutable after construction;
// run() may be called from many threads.
class StepPipeline {
 public:
  explicit StepPipeline(std::vector<Step> steps);
  // The input is copied only when a step changes it in place (a lookup merge) or when the
  // unchanged record is the output.
  RecordOutcome run(const ferry::Json& record, const LookupRows* lookups) const;
  // The same, but a caller that does not need the output apart from the last import's row
  // lets run() move it there instead of copying it (see outputInLastImport).
  enum class Output { kKeep, kInLastImport };
  RecordOutcome run(const ferry::Json& record, const LookupRows* lookups, Output output) const;
  // Whether the last step is an import without a mapping (its row is the output).
  bool endsInPlainImport() const;
  const std::vector<Step>& steps() const { return steps_; }

 private:
  std::vector<Step> steps_;
};

// The preview line of DESIGN.md without "input":
// {"filtered":b,"output":{…},"imports":{id:{row}},"errors":[…],"lookups":{id:"skipped"}}.
// Imports skipped by their own filter are absent from "imports".
ferry::Json previewJson(const RecordOutcome& outcome);

}  // namespace ferry::transform
