#pragma once

#include <string>
#include <string_view>

#include "common/json/json_fwd.h"
#include "common/schedule/time_zone.h"
#include "common/schema/problem.h"

namespace ferry::model {

struct ValidationOptions {
  // The controller requires every flow to name the agent that runs it; a local definitions
  // file may leave `agent` out.
  bool requireAgent = false;
  // A desired-state document must carry "version".
  bool requireVersion = false;
  // Where IANA time zones are read from (schedules' `timezone`).
  std::string zoneinfoDir = schedule::kDefaultZoneinfoDir;
};

// Checks a definitions document ({"resources": […], "version"?: n}) and returns every
// problem at once, each with its JSON Pointer and a message for a person: unknown, missing
// and mistyped fields (via the connector descriptors), bad and duplicate ids, dangling
// references and references to the wrong kind, plain-text secrets, invalid schedules,
// JSON Logic and mappings, undeclared query parameters; warnings (not errors) for things
// that work but may surprise (a delta export without `delta.key`).
// Never throws; safe on any JSON.
Problems validateDefinitions(const ferry::Json& document, const ValidationOptions& options = {});

// `[a-z0-9][a-z0-9-_.]{0,63}`
bool isValidId(std::string_view id);

}  // namespace ferry::model
