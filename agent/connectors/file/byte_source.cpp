#include "agent/connectors/file/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "agent/connectors/file/io_status.h"

namespace ferry::agent::connectors::file {

Result<std::size_t> StringByteSource::read(char* buffer, std::size_t size) {
  const std::size_t n = std::min(size, data_.size() - pos_);
  std::memcpy(buffer, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

Status StringByteSource::seek(std::uint64_t offset) {
  pos_ = static_cast<std::size_t>(std::min<std::uint64_t>(offset, data_.size()));
  return Status::ok();
}

Result<std::unique_ptr<FdByteSource>> FdByteSource::open(const std::string& path,
                                                         const std::string& shown) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errnoStatus(errno, shown);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return errnoStatus(errno, shown);
  if (!S_ISREG(st.st_mode)) return Status::failedPrecondition(shown + ": not a regular file");
  return std::make_unique<FdByteSource>(std::move(fd), shown,
                                        static_cast<std::uint64_t>(st.st_size),
                                        static_cast<std::uint64_t>(st.st_ino));
}

Result<std::size_t> FdByteSource::read(char* buffer, std::size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return errnoStatus(errno, "reading " + shown_);
  }
}

Status FdByteSource::seek(std::uint64_t offset) {
  if (::lseek(fd_.get(), static_cast<off_t>(offset), SEEK_SET) < 0) {
    return errnoStatus(errno, "seeking in " + shown_);
  }
  return Status::ok();
}

}  // namespace ferry::agent::connectors::file
