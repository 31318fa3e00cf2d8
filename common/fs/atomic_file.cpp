#include "common/fs/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ferry::fs {

namespace {

std::string errnoText() {
  return std::strerror(errno);
}

}  // namespace

Status writeFileAtomically(const std::string& path, const std::string& content, mode_t mode,
                           const std::function<void(const std::string& tmp)>& beforeRename) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status::failedPrecondition("cannot write '" + tmp + "': " + errnoText());
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string err = errnoText();
      ::close(fd);
      return Status::unavailable("cannot write '" + tmp + "': " + err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    std::string err = errnoText();
    ::close(fd);
    return Status::unavailable("cannot sync '" + tmp + "': " + err);
  }
  ::close(fd);
  if (beforeRename) beforeRename(tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::unavailable("cannot replace '" + path + "': " + errnoText());
  }
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // makes the rename durable
    ::close(dfd);
  }
  return Status::ok();
}

Result<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return Status::notFound("'" + path + "' does not exist");
    return Status::failedPrecondition("cannot read '" + path + "': " + errnoText());
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::unavailable("cannot read '" + path + "'");
  return text.str();
}

}  // namespace ferry::fs
