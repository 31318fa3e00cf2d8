#pragma once

#include <string>
#include <vector>

#include "common/json/json.h"
#include "common/status/result.h"
#include "controller/api/problem.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// What validating one change among every live resource found.
struct ContextCheck {
  bool existed = false;              // the resource is live now
  std::int64_t currentVersion = 0;   // its version when existed
  std::vector<FieldProblem> own;     // pointers into the changed resource
  std::vector<FieldProblem> others;  // problems the change would cause in other resources
};

// Validates the live resources as they would be after replacing (kind, id) with
// `resource`, or removing it when `resource` is null, with the model's validator (flows
// must name their agent). Problems other resources had before the change are not counted.
Result<ContextCheck> checkInContext(store::Store& store, const std::string& kind,
                                    const std::string& id, const ferry::Json* resource);

}  // namespace ferry::controller::api
