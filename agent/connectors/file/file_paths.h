#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/status/result.h"

namespace ferry::agent::connectors::file {

// Paths of a file connection are relative to its `root` and may not leave it: not by an
// absolute path, not by "..", not through a symlink that points outside.

// Checks a relative path from a definition and returns it normalised ("./a//b/" -> "a/b";
// "" or "." -> ""). kInvalidArgument names `what` when it is absolute or has a ".." part.
Result<std::string> normaliseRelative(const std::string& path, const std::string& what);

// The canonical absolute path of `root`; kFailedPrecondition unless it is a directory.
Result<std::string> canonicalRoot(const std::string& root);

// True when canonical `path` is `root` or below it.
bool isInside(const std::string& root, const std::string& path);

// The canonical path of directory `relative` (normalised) under canonical `root`. Each part
// is checked before the next is looked at, so a symlink leading out is refused before
// anything is created through it; missing parts are created when `create` (else
// kNotFound).
Result<std::string> resolveDirectory(const std::string& root, const std::string& relative,
                                     bool create);

// kFailedPrecondition naming `shown` when `path` resolves (through symlinks) outside `root`.
Status checkInside(const std::string& root, const std::string& path, const std::string& shown);

// Names of the regular files (symlinks followed) in `directory` whose names match the
// fnmatch(3) `pattern` ("*", "?", "[...]"; a leading "." only matches a literal "."), in
// byte order.
Result<std::vector<std::string>> listMatching(const std::string& directory,
                                              const std::string& pattern);

// "orders.jsonl" -> "orders-20261130T140000Z.jsonl" (UTC); with n > 0,
// "orders-20261130T140000Z-<n>.jsonl".
std::string stampedName(const std::string& name, std::chrono::system_clock::time_point when,
                        int n = 0);

// Renames `from` into `directory`, never replacing a file: as `name` when `keepNameIfFree`
// and that name is free, else as the first free stampedName(name, now, 0, 1, …). Returns
// the name used. Both directories are synced so the move survives a power loss.
Result<std::string> moveWithoutReplacing(const std::string& from, const std::string& directory,
                                         const std::string& name,
                                         std::chrono::system_clock::time_point now,
                                         bool keepNameIfFree);

// Makes a directory entry change (create, rename) durable.
Status syncDirectory(const std::string& directory);

// Replaces `path` with `content` so that a crash leaves the old or the new content, never
// a mix: a temporary file in the same directory, fsync, rename, directory fsync.
Status writeFileAtomically(const std::string& path, const std::string& content);

// Reads a whole small file; kNotFound when missing.
Result<std::string> readSmallFile(const std::string& path);

std::string parentOf(const std::string& path);
std::string baseName(const std::string& path);

}  // namespace ferry::agent::connectors::file
