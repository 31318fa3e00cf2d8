#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/fs/unique_fd.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::file {

using ferry::fs::UniqueFd;

// Where the readers get their bytes: a file, or memory in parser tests. Kept this narrow so
// the readers stream (they never see more than their buffer) and tests can feed any input.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buffer`; 0 means the end of the input.
  virtual Result<std::size_t> read(char* buffer, std::size_t size) = 0;
  // Later reads start `offset` bytes from the beginning.
  virtual Status seek(std::uint64_t offset) = 0;
};

class StringByteSource final : public ByteSource {
 public:
  explicit StringByteSource(std::string data) : data_(std::move(data)) {}
  Result<std::size_t> read(char* buffer, std::size_t size) override;
  Status seek(std::uint64_t offset) override;

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

// A regular file opened read-only. `shown` names it in errors (the path relative to the
// connection's root, never more of the host's layout than the definition gave).
class FdByteSource final : public ByteSource {
 public:
  // kNotFound when the file is gone, kFailedPrecondition when it may not be read or is not
  // a regular file, kUnavailable for other I/O errors.
  static Result<std::unique_ptr<FdByteSource>> open(const std::string& path,
                                                    const std::string& shown);

  FdByteSource(UniqueFd fd, std::string shown, std::uint64_t size, std::uint64_t inode)
      : fd_(std::move(fd)), shown_(std::move(shown)), size_(size), inode_(inode) {}

  Result<std::size_t> read(char* buffer, std::size_t size) override;
  Status seek(std::uint64_t offset) override;
  std::uint64_t size() const { return size_; }    // when opened
  std::uint64_t inode() const { return inode_; }  // tells a replaced file from the one read

 private:
  UniqueFd fd_;
  std::string shown_;
  std::uint64_t size_;
  std::uint64_t inode_;
};

}  // namespace ferry::agent::connectors::file
