// docs/configuration.md carries the key tables generated from the config schemas; this test
// fails when the schema and the page drift apart, and prints the table to paste.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include "common/config/config_schemas.h"

namespace ferry::config {
namespace {

// The [first, last) byte range between the section's markers, or nullopt without markers.
std::optional<std::pair<std::size_t, std::size_t>> section(const std::string& doc,
                                                           const std::string& name) {
  std::string begin = "<!-- BEGIN " + name + " (generated from the schema) -->\n";
  std::string end = "<!-- END " + name + " -->";
  auto b = doc.find(begin);
  auto e = doc.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return std::nullopt;
  return std::make_pair(b + begin.size(), e);
}

const std::string kDocPath = std::string(FERRY_SOURCE_DIR) + "/docs/configuration.md";

std::string readDoc() {
  std::ifstream in(kDocPath);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// FERRY_REGENERATE_DOCS=1 rewrites the section in place instead of comparing.
void checkSection(const std::string& name, const std::string& expected) {
  std::string doc = readDoc();
  auto range = section(doc, name);
  ASSERT_TRUE(range.has_value()) << "the markers for " << name << " are missing in " << kDocPath;
  std::string actual = doc.substr(range->first, range->second - range->first);
  if (actual != expected && std::getenv("FERRY_REGENERATE_DOCS")) {
    doc.replace(range->first, actual.size(), expected);
    std::ofstream(kDocPath) << doc;
    return;
  }
  EXPECT_EQ(actual, expected) << kDocPath << " is stale: run FERRY_REGENERATE_DOCS=1 "
                              << "build/bin/common_core_test --gtest_filter='ConfigDocs*'";
}

TEST(ConfigDocsTest, AgentTableMatchesSchema) {
  checkSection("agent.json", schema::markdownTable(agentConfigSpec()));
}

TEST(ConfigDocsTest, ControllerTableMatchesSchema) {
  checkSection("controller.json", schema::markdownTable(controllerConfigSpec()));
}

}  // namespace
}  // namespace ferry::config
