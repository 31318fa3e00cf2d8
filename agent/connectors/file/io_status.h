#pragma once

#include <string>

#include "common/status/status.h"

namespace ferry::agent::connectors::file {

// Turns an errno from a file operation into a Status that tells the engine what to do:
//   ENOENT                      kNotFound
//   EACCES, EPERM, EROFS, …     kFailedPrecondition (a person must fix permissions or mounts)
//   ENOSPC, EDQUOT              kResourceExhausted (back off until space is freed)
//   anything else               kUnavailable (retry later)
// The message is "<what>: <strerror>".
Status errnoStatus(int err, const std::string& what);

}  // namespace ferry::agent::connectors::file
