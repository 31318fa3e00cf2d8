#include "tests/agent/connectors/file/file_test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry::agent::connectors::file::testing {

model::Connection connection(const std::string& root) {
  model::Connection c;
  c.id = "files";
  c.type = "file";
  c.settings = {{"root", root}};
  return c;
}

model::Export fileExport(ferry::Json options, int pageSize, const std::string& id) {
  model::Export e;
  e.id = id;
  e.connection = "files";
  e.type = "file";
  e.pageSize = pageSize;
  e.options = std::move(options);
  return e;
}

model::Import fileImport(ferry::Json options, ferry::Json mapping, const std::string& id) {
  model::Import i;
  i.id = id;
  i.connection = "files";
  i.type = "file";
  i.mapping = std::move(mapping);
  i.options = std::move(options);
  return i;
}

void writeFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> listDirectory(const std::string& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<ExportPage> readAllPages(Source& source) {
  std::vector<ExportPage> pages;
  for (int guard = 0; guard < 1000000; ++guard) {
    std::optional<ExportPage> page;
    const Outcome outcome = source.next(page);
    EXPECT_TRUE(outcome.ok()) << outcome.status.toString();
    if (!outcome.ok() || !page) break;
    pages.push_back(std::move(*page));
  }
  return pages;
}

}  // namespace ferry::agent::connectors::file::testing
