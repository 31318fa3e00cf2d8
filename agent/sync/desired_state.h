#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/json/json.h"
#include "common/model/definitions.h"
#include "common/status/result.h"

namespace ferry::agent::sync {

// The agent's memory of its desired state (DESIGN.md "Retained state is rebuilt, never
// trusted to survive"), in <stateDir>/desired.json: the last applied document, which runs
// after a restart whether the broker is reachable or not, and the last rejected version
// with its error, which is ignored if it comes again. Not thread-safe: the link's thread
// owns it.
class DesiredState {
 public:
  // A missing file is an agent that has applied nothing yet. A corrupt one is an error that
  // names the file (the agent does not start on guesses).
  static Result<DesiredState> load(const std::string& stateDir);

  enum class Verdict {
    kApply,   // a valid document of a newer version: `definitions` holds it
    kIgnore,  // not newer than the applied one, or the version rejected before
    kReject,  // newer but invalid: `reason` lists every problem, pointer first
  };
  struct Decision {
    Verdict verdict = Verdict::kIgnore;
    std::int64_t version = 0;  // 0 when the payload has no readable version
    ferry::Json document;
    std::shared_ptr<const model::Definitions> definitions;
    std::string reason;
  };
  // Judges a payload received on `desired`. An empty payload (a cleared retained message)
  // and a payload without a readable version are ignored: a missing desired state never
  // means "run nothing".
  Decision evaluate(std::string_view payload) const;

  // Durable before returning, so a restart runs what `reported` announced.
  Status recordApplied(const Decision& applied);
  Status recordRejected(std::int64_t version, const std::string& error);

  std::int64_t appliedVersion() const { return appliedVersion_; }
  std::int64_t rejectedVersion() const { return rejectedVersion_; }
  const std::string& rejectedError() const { return rejectedError_; }
  // The applied document's definitions; null when none was applied yet.
  std::shared_ptr<const model::Definitions> appliedDefinitions() const { return applied_; }

 private:
  Status save() const;

  std::string path_;
  std::int64_t appliedVersion_ = 0;
  ferry::Json appliedDocument_;
  std::shared_ptr<const model::Definitions> applied_;
  std::int64_t rejectedVersion_ = 0;
  std::string rejectedError_;
};

}  // namespace ferry::agent::sync
