#include "agent/connectors/file/read_memory.h"

#include "agent/connectors/file/file_paths.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::file {

Result<ReadMemory> ReadMemory::load(const std::string& path) {
  ReadMemory memory(path);
  auto text = readSmallFile(path);
  if (!text.isOk()) {
    if (text.status().code() == StatusCode::kNotFound) return memory;
    return text.status();
  }
  try {
    const auto document = ferry::Json::parse(*text);
    for (const auto& [name, size] : document.at("files").items()) {
      memory.files_[name] = size.get<std::uint64_t>();
    }
  } catch (const ferry::Json::exception& e) {
    return Status::dataLoss(path + ": the list of files already read is damaged (" + e.what() +
                            "); fix or remove it (removing it reads every file again)");
  }
  return memory;
}

bool ReadMemory::contains(const std::string& name, std::uint64_t size) const {
  auto it = files_.find(name);
  return it != files_.end() && it->second == size;
}

bool ReadMemory::keepOnly(const std::set<std::string>& present) {
  bool changed = false;
  for (auto it = files_.begin(); it != files_.end();) {
    if (present.count(it->first) == 0) {
      it = files_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  return changed;
}

Status ReadMemory::save() const {
  ferry::Json files = ferry::Json::object();
  for (const auto& [name, size] : files_) files[name] = size;
  return writeFileAtomically(path_, ferry::Json{{"version", 1}, {"files", files}}.dump() + "\n");
}

}  // namespace ferry::agent::connectors::file
