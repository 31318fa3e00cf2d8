#pragma once

#include <string>
#include <string_view>

#include "common/json/json_fwd.h"
#include "common/model/resources.h"
#include "common/model/validate.h"
#include "common/schema/problem.h"
#include "common/status/result.h"

namespace ferry::model {

// Validates `document` (validateDefinitions) and builds its typed form with defaults
// filled in and content hashes computed. When it has errors: kInvalidArgument whose
// message lists every problem, one per line, pointer first. Every problem found
// (warnings included) is appended to `problems` when given.
Result<Definitions> parseDefinitions(const ferry::Json& document,
                                     const ValidationOptions& options = {},
                                     Problems* problems = nullptr);

// Canonical JSON: resources ordered by kind then id, defaults filled in, keys sorted (so the
// order of keys in the source never matters). Parsing it again gives equal definitions.
ferry::Json toJson(const Definitions& definitions);
ferry::Json toJson(const Connection& r);
ferry::Json toJson(const Export& r);
ferry::Json toJson(const Import& r);
ferry::Json toJson(const Lookup& r);
ferry::Json toJson(const Flow& r);
ferry::Json toJson(const Integration& r);

// Compact text with sorted keys: what content hashes are taken over.
std::string canonicalText(const ferry::Json& value);
// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

}  // namespace ferry::model
