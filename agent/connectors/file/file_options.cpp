#include "agent/connectors/file/file_options.h"

#include <algorithm>

#include "agent/connectors/file/file_paths.h"

namespace ferry::agent::connectors::file {

namespace {

Result<std::string> stringField(const ferry::Json& object, const std::string& key,
                                const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return Status::invalidArgument(where + key + ": a string is required");
  }
  return it->get<std::string>();
}

Result<char> oneCharacter(const ferry::Json& csv, const std::string& key, char fallback,
                          const std::string& where) {
  auto it = csv.find(key);
  if (it == csv.end() || it->is_null()) return fallback;
  if (!it->is_string()) return Status::invalidArgument(where + "csv." + key + ": must be a string");
  const std::string text = it->get<std::string>();
  if (text.size() != 1 || static_cast<unsigned char>(text[0]) >= 0x80 || text[0] == '\r' ||
      text[0] == '\n') {
    return Status::invalidArgument(where + "csv." + key + ": \"" + text +
                                   "\" must be one ASCII character other than CR or LF");
  }
  return text[0];
}

Result<FileFormat> formatField(const ferry::Json& options, const std::string& where) {
  auto format = stringField(options, "format", where);
  if (!format.isOk()) return format.status();
  if (*format == "csv") return FileFormat::kCsv;
  if (*format == "jsonl") return FileFormat::kJsonl;
  return Status::invalidArgument(where + "format: \"" + *format + "\" is not csv or jsonl");
}

Result<CsvFormat> csvField(const ferry::Json& options, const std::string& where) {
  const ferry::Json csv = options.value("csv", ferry::Json::object());
  if (!csv.is_object()) return Status::invalidArgument(where + "csv: must be an object");
  CsvFormat format;
  auto delimiter = oneCharacter(csv, "delimiter", ',', where);
  if (!delimiter.isOk()) return delimiter.status();
  auto quote = oneCharacter(csv, "quote", '"', where);
  if (!quote.isOk()) return quote.status();
  if (*delimiter == *quote) {
    return Status::invalidArgument(where + "csv: delimiter and quote must differ");
  }
  format.dialect = {*delimiter, *quote};
  auto header = csv.find("header");
  if (header != csv.end() && !header->is_null()) {
    if (!header->is_boolean())
      return Status::invalidArgument(where + "csv.header: must be a boolean");
    format.header = header->get<bool>();
  }
  return format;
}

Result<std::string> rootOf(const ferry::Json& settings, const std::string& where) {
  if (!settings.is_object()) return Status::invalidArgument(where + "settings: must be an object");
  auto root = stringField(settings, "root", where + "settings.");
  if (!root.isOk()) return root.status();
  auto canonical = canonicalRoot(*root);
  if (!canonical.isOk()) return canonical.status().withContext(where + "settings.root");
  return canonical;
}

bool hasWildcard(const std::string& text) {
  return text.find_first_of("*?[") != std::string::npos;
}

}  // namespace

Result<FileExportOptions> exportOptions(const ferry::Json& settings, const model::Export& e,
                                        const std::string& stateDir) {
  const std::string where = "export " + e.id + ": ";
  FileExportOptions o;
  o.exportId = e.id;
  auto root = rootOf(settings, where);
  if (!root.isOk()) return root.status();
  o.root = *root;

  auto path = stringField(e.options, "path", where);
  if (!path.isOk()) return path.status();
  auto normal = normaliseRelative(*path, where + "path");
  if (!normal.isOk()) return normal.status();
  if (normal->empty()) return Status::invalidArgument(where + "path: names no file");
  o.directory = parentOf(*normal) == "." ? "" : parentOf(*normal);
  o.pattern = baseName(*normal);
  if (hasWildcard(o.directory)) {
    return Status::invalidArgument(where + "path: \"" + *path +
                                   "\": wildcards are only allowed in the file name, not in "
                                   "directories");
  }

  auto format = formatField(e.options, where);
  if (!format.isOk()) return format.status();
  o.format = *format;
  auto csv = csvField(e.options, where);
  if (!csv.isOk()) return csv.status();
  o.csv = *csv;

  auto archive = e.options.find("archive");
  if (archive != e.options.end() && !archive->is_null()) {
    if (!archive->is_string()) return Status::invalidArgument(where + "archive: must be a string");
    auto dir = normaliseRelative(archive->get<std::string>(), where + "archive");
    if (!dir.isOk()) return dir.status();
    if (*dir == o.directory) {
      return Status::invalidArgument(where + "archive: \"" + archive->get<std::string>() +
                                     "\" is the directory the files are read from");
    }
    o.archive = *dir;
  } else {
    if (stateDir.empty()) {
      return Status::failedPrecondition(
          where +
          "without `archive`, read files are remembered in the state directory, "
          "and none is given");
    }
    o.memoryPath = stateDir + "/files/" + e.id + ".json";
  }
  if (e.pageSize < 1) return Status::invalidArgument(where + "pageSize: must be at least 1");
  o.pageSize = static_cast<std::size_t>(e.pageSize);
  return o;
}

Result<FileImportOptions> importOptions(const ferry::Json& settings, const model::Import& i) {
  const std::string where = "import " + i.id + ": ";
  FileImportOptions o;
  o.importId = i.id;
  auto root = rootOf(settings, where);
  if (!root.isOk()) return root.status();
  o.root = *root;

  auto path = stringField(i.options, "path", where);
  if (!path.isOk()) return path.status();
  auto normal = normaliseRelative(*path, where + "path");
  if (!normal.isOk()) return normal.status();
  if (normal->empty()) return Status::invalidArgument(where + "path: names no file");
  o.path = *normal;

  auto format = formatField(i.options, where);
  if (!format.isOk()) return format.status();
  o.format = *format;
  auto csv = csvField(i.options, where);
  if (!csv.isOk()) return csv.status();
  o.csv = *csv;

  auto rotate = i.options.find("rotateBytes");
  if (rotate != i.options.end() && !rotate->is_null()) {
    if (!rotate->is_number_integer() || rotate->get<std::int64_t>() < 0) {
      return Status::invalidArgument(where + "rotateBytes: must be a whole number >= 0");
    }
    o.rotateBytes = rotate->get<std::uint64_t>();
  }

  if (i.mapping.is_array()) {
    for (const auto& rule : i.mapping) {
      if (!rule.is_object() || !rule.contains("to") || !rule["to"].is_string()) continue;
      const std::string to = rule["to"].get<std::string>();
      const std::string column = to.substr(0, to.find_first_of(".["));
      if (std::find(o.columns.begin(), o.columns.end(), column) == o.columns.end()) {
        o.columns.push_back(column);
      }
    }
  }
  return o;
}

}  // namespace ferry::agent::connectors::file
