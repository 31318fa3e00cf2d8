#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/connectors/file/record_reader.h"
#include "common/json/json.h"
#include "common/model/resources.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::file {

// An export of a file connection, checked: paths normalised and confined to the root.
struct FileExportOptions {
  std::string exportId;
  std::string root;       // canonical absolute path of the connection's root
  std::string directory;  // where the files are, relative to root ("" = root itself)
  std::string pattern;    // fnmatch(3) pattern of their names
  FileFormat format = FileFormat::kCsv;
  CsvFormat csv;
  std::optional<std::string> archive;  // relative directory; nullopt: remember read files
  std::string memoryPath;              // without archive: <stateDir>/files/<exportId>.json
  std::size_t pageSize = 500;
  ReadLimits limits;
};

// An import into a file of a file connection.
struct FileImportOptions {
  std::string importId;
  std::string root;  // canonical absolute path
  std::string path;  // the file, relative to root, normalised
  FileFormat format = FileFormat::kCsv;
  CsvFormat csv;
  std::uint64_t rotateBytes = 0;  // 0: never rotate
  // CSV column order from the import's mapping (the first part of each `to`); empty when
  // the import has no mapping.
  std::vector<std::string> columns;
};

// `settings` are the connection's, secrets resolved. kInvalidArgument for a bad field,
// kFailedPrecondition when the root is not a directory or the state directory is needed
// but not given; messages start with "export <id>: " / "import <id>: ".
Result<FileExportOptions> exportOptions(const ferry::Json& settings, const model::Export& e,
                                        const std::string& stateDir);
Result<FileImportOptions> importOptions(const ferry::Json& settings, const model::Import& i);

}  // namespace ferry::agent::connectors::file
