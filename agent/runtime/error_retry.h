#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "agent/runtime/run_store.h"
#include "common/json/json.h"
#include "common/model/definitions.h"

namespace ferry::agent::runtime {

// What became of one error of a retry.
struct RetryOutcome {
  std::string errorId;
  bool retried = false;  // the record went through; the error is resolved
  bool failed = false;   // unknown id, failed again, or could not run (retried is false)
  std::string message;   // for the person or the controller
};

// Runs each error's record (or `edited`, for one error) from its failed step on through the
// flow's current definition; an error that goes through is resolved. Each retried error is
// its own one-page topic ("retry:<errorId>"), so a destination's checkpoint makes the retry
// exactly once even when it is repeated after a crash. A resolved error is left alone.
std::vector<RetryOutcome> retryErrors(RunStore& store, const model::Definitions& definitions,
                                      const std::string& queueId,
                                      const connectors::ConnectorContext& context,
                                      const std::vector<std::string>& errorIds,
                                      const std::optional<ferry::Json>& edited);

}  // namespace ferry::agent::runtime
