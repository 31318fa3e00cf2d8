#include "common/fs/state_dir.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace ferry::fs {

Status ensureStateDir(const std::string& path) {
  namespace stdfs = std::filesystem;
  std::error_code ec;
  if (stdfs::exists(path, ec)) {
    if (!stdfs::is_directory(path, ec)) {
      return Status::failedPrecondition("state directory '" + path + "' is not a directory");
    }
  } else {
    stdfs::create_directories(path, ec);
    if (ec) {
      return Status::failedPrecondition("cannot create state directory '" + path +
                                        "': " + ec.message());
    }
    stdfs::permissions(
        path, stdfs::perms::owner_all | stdfs::perms::group_read | stdfs::perms::group_exec,
        stdfs::perm_options::replace, ec);
  }
  if (::access(path.c_str(), W_OK | X_OK) != 0) {
    return Status::failedPrecondition("state directory '" + path + "' is not writable");
  }
  return Status::ok();
}

}  // namespace ferry::fs
