#pragma once

#include <string>

#include "common/status/status.h"

namespace ferry::fs {

// Creates `path` (and its parents) with mode 0750 if missing; fails if it exists and is
// not a writable directory. The error names the path.
Status ensureStateDir(const std::string& path);

}  // namespace ferry::fs
