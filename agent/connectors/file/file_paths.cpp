#include "agent/connectors/file/file_paths.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "agent/connectors/file/io_status.h"
#include "common/fs/unique_fd.h"

namespace ferry::agent::connectors::file {

using ferry::fs::UniqueFd;

namespace {

constexpr int kMaxNameAttempts = 1000;

Result<std::string> realPath(const std::string& path, const std::string& shown) {
  const auto release = [](char* p) { std::free(p); };
  std::unique_ptr<char, decltype(release)> resolved(::realpath(path.c_str(), nullptr), release);
  if (!resolved) return errnoStatus(errno, shown);
  return std::string(resolved.get());
}

std::string join(const std::string& directory, const std::string& name) {
  return directory == "/" ? "/" + name : directory + "/" + name;
}

Status writeAll(int fd, const std::string& content, const std::string& shown) {
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errnoStatus(errno, "writing " + shown);
    }
    done += static_cast<std::size_t>(n);
  }
  return Status::ok();
}

// rename(2) that fails with EEXIST instead of replacing the target.
int renameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  // A file system without RENAME_NOREPLACE: check first (good enough for one writer).
  struct stat st {};
  if (::lstat(to.c_str(), &st) == 0) {
    errno = EEXIST;
    return -1;
  }
  return ::rename(from.c_str(), to.c_str());
}

}  // namespace

Result<std::string> normaliseRelative(const std::string& path, const std::string& what) {
  if (!path.empty() && path[0] == '/') {
    return Status::invalidArgument(what + ": \"" + path +
                                   "\" must be relative to the connection's root");
  }
  std::string out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string part = path.substr(start, slash - start);
    if (part == "..") {
      return Status::invalidArgument(what + ": \"" + path +
                                     "\" may not contain \"..\" (paths stay under root)");
    }
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + part;
    start = slash + 1;
  }
  return out;
}

Result<std::string> canonicalRoot(const std::string& root) {
  auto real = realPath(root, "root \"" + root + "\"");
  if (!real.isOk()) return Status::failedPrecondition(real.status().message());
  struct stat st {};
  if (::stat(real->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::failedPrecondition("root \"" + root + "\" is not a directory");
  }
  return real;
}

bool isInside(const std::string& root, const std::string& path) {
  if (root == "/") return true;
  return path == root || (path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
                          path[root.size()] == '/');
}

Result<std::string> resolveDirectory(const std::string& root, const std::string& relative,
                                     bool create) {
  std::string current = root;
  std::string shown;
  std::size_t start = 0;
  while (start < relative.size()) {
    std::size_t slash = relative.find('/', start);
    if (slash == std::string::npos) slash = relative.size();
    const std::string part = relative.substr(start, slash - start);
    shown += (shown.empty() ? "" : "/") + part;
    start = slash + 1;
    const std::string next = join(current, part);
    struct stat st {};
    if (::stat(next.c_str(), &st) != 0) {
      if (errno != ENOENT) return errnoStatus(errno, "directory \"" + shown + "\"");
      if (!create) {
        return Status::failedPrecondition("directory \"" + shown + "\" does not exist under root " +
                                          root);
      }
      if (::mkdir(next.c_str(), 0777) != 0 && errno != EEXIST) {
        return errnoStatus(errno, "creating directory \"" + shown + "\"");
      }
    }
    auto real = realPath(next, "directory \"" + shown + "\"");
    if (!real.isOk()) return real.status();
    if (!isInside(root, *real)) {
      return Status::failedPrecondition("directory \"" + shown + "\" leads outside root " + root +
                                        " (to " + *real + ")");
    }
    if (::stat(real->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return Status::failedPrecondition("\"" + shown + "\" is not a directory");
    }
    current = *real;
  }
  return current;
}

Status checkInside(const std::string& root, const std::string& path, const std::string& shown) {
  auto real = realPath(path, shown);
  if (!real.isOk()) return real.status();
  if (!isInside(root, *real)) {
    return Status::failedPrecondition("\"" + shown + "\" leads outside root " + root + " (to " +
                                      *real + ")");
  }
  return Status::ok();
}

Result<std::vector<std::string>> listMatching(const std::string& directory,
                                              const std::string& pattern) {
  const auto closeDir = [](DIR* d) { ::closedir(d); };
  std::unique_ptr<DIR, decltype(closeDir)> dir(::opendir(directory.c_str()), closeDir);
  if (!dir) return errnoStatus(errno, "listing " + directory);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(dir.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == ".." || ::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) != 0) {
      continue;
    }
    struct stat st {};
    if (::stat(join(directory, name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      names.push_back(name);
    }
  }
  if (errno != 0) return errnoStatus(errno, "listing " + directory);
  std::sort(names.begin(), names.end());
  return names;
}

std::string stampedName(const std::string& name, std::chrono::system_clock::time_point when,
                        int n) {
  const std::size_t dot = name.rfind('.');
  const bool hasExtension = dot != std::string::npos && dot > 0;
  const std::string stem = hasExtension ? name.substr(0, dot) : name;
  const std::string extension = hasExtension ? name.substr(dot) : "";
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  return stem + "-" + stamp + (n > 0 ? "-" + std::to_string(n) : "") + extension;
}

Result<std::string> moveWithoutReplacing(const std::string& from, const std::string& directory,
                                         const std::string& name,
                                         std::chrono::system_clock::time_point now,
                                         bool keepNameIfFree) {
  for (int attempt = keepNameIfFree ? -1 : 0; attempt < kMaxNameAttempts; ++attempt) {
    const std::string target = attempt < 0 ? name : stampedName(name, now, attempt);
    if (renameNoReplace(from, join(directory, target)) == 0) {
      FERRY_RETURN_IF_ERROR(syncDirectory(directory));
      FERRY_RETURN_IF_ERROR(syncDirectory(parentOf(from)));
      return target;
    }
    if (errno != EEXIST) return errnoStatus(errno, "moving " + baseName(from) + " to " + target);
  }
  return Status::aborted("no free name for " + name + " in " + directory);
}

Status syncDirectory(const std::string& directory) {
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errnoStatus(errno, "opening directory " + directory);
  if (::fsync(fd.get()) != 0) return errnoStatus(errno, "syncing directory " + directory);
  return Status::ok();
}

Status writeFileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd.valid()) return errnoStatus(errno, "creating " + temporary);
    FERRY_RETURN_IF_ERROR(writeAll(fd.get(), content, temporary));
    if (::fsync(fd.get()) != 0) return errnoStatus(errno, "syncing " + temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return errnoStatus(errno, "renaming " + temporary);
  }
  return syncDirectory(parentOf(path));
}

Result<std::string> readSmallFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errnoStatus(errno, path);
  std::string content;
  char buffer[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n == 0) return content;
    if (n < 0) {
      if (errno == EINTR) continue;
      return errnoStatus(errno, "reading " + path);
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string parentOf(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string baseName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace ferry::agent::connectors::file
