#include "agent/connectors/file/io_status.h"

#include <cerrno>
#include <cstring>

namespace ferry::agent::connectors::file {

Status errnoStatus(int err, const std::string& what) {
  std::string message = what + ": " + std::strerror(err);
  switch (err) {
    case ENOENT: return Status::notFound(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
    case EISDIR:
    case ENOTDIR:
    case ELOOP:
    case ENAMETOOLONG:
    case EXDEV: return Status::failedPrecondition(std::move(message));
    case ENOSPC:
    case EDQUOT: return Status::resourceExhausted(std::move(message));
    default: return Status::unavailable(std::move(message));
  }
}

}  // namespace ferry::agent::connectors::file
