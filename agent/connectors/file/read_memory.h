#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "common/status/result.h"

namespace ferry::agent::connectors::file {

// The files an export without `archive` has read, by name (relative to root) and size, so
// a file is read once and read again only when its size changes. Kept in a small JSON file
// ({"version":1,"files":{"inbox/a.csv":1234}}) replaced atomically on every change.
class ReadMemory {
 public:
  // Loads `path` (a missing file is an empty memory). kDataLoss when it cannot be parsed:
  // reading everything again would duplicate data, so a person decides.
  static Result<ReadMemory> load(const std::string& path);

  bool contains(const std::string& name, std::uint64_t size) const;
  void remember(const std::string& name, std::uint64_t size) { files_[name] = size; }
  // Forgets files not in `present` (deleted since), so a new file of the same name and size
  // is read. True when something was forgotten.
  bool keepOnly(const std::set<std::string>& present);
  Status save() const;

 private:
  explicit ReadMemory(std::string path) : path_(std::move(path)) {}

  std::string path_;
  std::map<std::string, std::uint64_t> files_;
};

}  // namespace ferry::agent::connectors::file
