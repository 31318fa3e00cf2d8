#pragma once

#include "common/model/resources.h"
#include "common/status/result.h"
#include "common/transform/steps.h"

namespace ferry::model {

// Compiles a validated flow's steps (with the lookups and imports they name) into the
// step pipeline the runtime and `preview` run. kInvalidArgument naming the step when a
// rule does not compile (validation normally catches that first).
Result<transform::StepPipeline> buildPipeline(const Definitions& definitions, const Flow& flow);

}  // namespace ferry::model
