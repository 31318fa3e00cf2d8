#include "agent/connectors/file/file_options.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/agent/connectors/file/file_test_support.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::file {
namespace {

using ferry::testing::TempDir;
using json = ferry::Json;
using namespace testing;  // NOLINT: the helpers of this folder

Status exportProblem(const std::string& root, json options, const std::string& state = "/s") {
  auto o = exportOptions(connection(root).settings, fileExport(std::move(options)), state);
  return o.isOk() ? Status::ok() : o.status();
}

TEST(FileOptionsTest, ExportDefaultsAndSplitGlob) {
  TempDir dir;
  auto o = exportOptions(connection(dir.path() + "/.").settings,
                         fileExport({{"path", "./in/*.csv"}, {"format", "csv"}}, 250), "/st");
  ASSERT_TRUE(o.isOk()) << o.status().toString();
  EXPECT_EQ(o->root, std::filesystem::canonical(dir.path()).string());
  EXPECT_EQ(o->directory, "in");
  EXPECT_EQ(o->pattern, "*.csv");
  EXPECT_EQ(o->csv.dialect.delimiter, ',');
  EXPECT_EQ(o->csv.dialect.quote, '"');
  EXPECT_TRUE(o->csv.header);
  EXPECT_FALSE(o->archive);
  EXPECT_EQ(o->memoryPath, "/st/files/price-files.json");
  EXPECT_EQ(o->pageSize, 250u);
}

TEST(FileOptionsTest, BadExportFieldsNameTheField) {
  TempDir dir;
  const std::string root = dir.path();
  EXPECT_EQ(exportProblem(root, {{"path", "/abs/*.csv"}, {"format", "csv"}}).message(),
            "export price-files: path: \"/abs/*.csv\" must be relative to the connection's root");
  EXPECT_EQ(exportProblem(root, {{"path", "*/x.csv"}, {"format", "csv"}}).message(),
            "export price-files: path: \"*/x.csv\": wildcards are only allowed in the file "
            "name, not in directories");
  EXPECT_EQ(exportProblem(root, {{"path", "a.csv"}, {"format", "xml"}}).message(),
            "export price-files: format: \"xml\" is not csv or jsonl");
  EXPECT_EQ(
      exportProblem(root, {{"path", "a.csv"}, {"format", "csv"}, {"csv", {{"delimiter", "::"}}}})
          .message(),
      "export price-files: csv.delimiter: \"::\" must be one ASCII character other than CR "
      "or LF");
  EXPECT_EQ(
      exportProblem(root, {{"path", "a.csv"}, {"format", "csv"}, {"csv", {{"delimiter", "\""}}}})
          .message(),
      "export price-files: csv: delimiter and quote must differ");
  EXPECT_EQ(
      exportProblem(root, {{"path", "in/a.csv"}, {"format", "csv"}, {"archive", "../arch"}}).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(exportProblem(root, {{"path", "in/a.csv"}, {"format", "csv"}, {"archive", "./in/"}})
                .message(),
            "export price-files: archive: \"./in/\" is the directory the files are read from");
  EXPECT_EQ(exportProblem(root, {{"path", "a.csv"}, {"format", "csv"}}, "").code(),
            StatusCode::kFailedPrecondition);
  const Status missingRoot = exportProblem(root + "/nope", {{"path", "a.csv"}, {"format", "csv"}});
  EXPECT_EQ(missingRoot.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missingRoot.message().find("settings.root"), std::string::npos);
}

TEST(FileOptionsTest, ImportColumnsFollowTheMapping) {
  TempDir dir;
  auto o =
      importOptions(connection(dir.path()).settings,
                    fileImport({{"path", "out/o.csv"}, {"format", "csv"}, {"rotateBytes", 1000}},
                               json::array({{{"from", "a"}, {"to", "z"}},
                                            {{"from", "b"}, {"to", "c.x"}},
                                            {{"from", "b"}, {"to", "c.y"}},
                                            {{"value", 1}, {"to", "items[0]"}}})));
  ASSERT_TRUE(o.isOk()) << o.status().toString();
  EXPECT_EQ(o->columns, (std::vector<std::string>{"z", "c", "items"}));
  EXPECT_EQ(o->rotateBytes, 1000u);
  EXPECT_EQ(o->path, "out/o.csv");
}

}  // namespace
}  // namespace ferry::agent::connectors::file
