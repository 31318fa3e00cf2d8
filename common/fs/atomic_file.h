#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "common/status/result.h"

namespace ferry::fs {

// Replaces `path` with `content` so a crash leaves either the old or the new file, never a
// torn one: write `path`.tmp, fsync, rename, fsync the directory. `beforeRename` may adjust
// the temporary file (its owner) before it takes the name. kUnavailable when the disk
// fails, kFailedPrecondition when the file cannot be created.
Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode,
                           const std::function<void(const std::string& tmp)>& beforeRename = {});

// The whole file; kNotFound when it does not exist.
Result<std::string> readWholeFile(const std::string& path);

}  // namespace ferry::fs
