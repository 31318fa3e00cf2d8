// `ferry-agent preview FILE --flow ID` as a real process, on DESIGN.md's example flow:
// filter status == "paid", lookup customer, map, import orders-to-dwh (own filter total != 0),
// import orders-file (the record as it is).
#include <gtest/gtest.h>

#include <filesystem>

#include <sstream>
#include <vector>

#include "common/json/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;
using testing::runProcess;
using testing::TempDir;

const std::string kAgent = FERRY_AGENT_BIN;
const std::string kDesign =
    std::string(FERRY_SOURCE_DIR) + "/tests/common/model/data/design-example.json";

std::vector<json> lines(const std::string& out) {
  std::vector<json> result;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) result.push_back(json::parse(line));
  return result;
}

const std::string kInput = R"({"id": 1, "status": "paid", "amount": "12.5"})"
                           "\n"
                           R"({"id": 2, "status": "open", "amount": 3})"
                           "\n"
                           "{oops\n"
                           "\n"
                           R"({"id": 5, "status": "paid", "amount": 0})"
                           "\n"
                           R"({"id": 6, "status": "paid", "amount": "abc"})"
                           "\n";

TEST(PreviewCommandTest, RunsTheStepsOnEachLineAndWritesNothing) {
  TempDir dir;
  auto r = runProcess(
      {kAgent, "preview", kDesign, "--flow", "orders-to-dwh", "--state", dir.file("state")},
      kInput);
  EXPECT_EQ(r.exitCode, 1) << "a malformed line makes the exit status 1\n" << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 5u) << r.out;

  // Line 1: passes the filter, is mapped, goes to both imports.
  EXPECT_EQ(out[0]["input"], 1);
  EXPECT_EQ(out[0]["filtered"], false);
  EXPECT_EQ(out[0]["output"]["id"], 1);
  EXPECT_EQ(out[0]["output"]["total"], 12.5);
  EXPECT_EQ(out[0]["imports"]["orders-to-dwh"]["order_id"], 1);
  EXPECT_EQ(out[0]["imports"]["orders-to-dwh"]["amount_cents"], 1250);
  EXPECT_EQ(out[0]["imports"]["orders-file"]["total"], 12.5);
  EXPECT_EQ(out[0]["errors"], json::array());
  EXPECT_NE(out[0].dump().find("skipped"), std::string::npos) << "lookup shows as skipped";

  // Line 2: dropped by the filter step.
  EXPECT_EQ(out[1]["input"], 2);
  EXPECT_EQ(out[1]["filtered"], true);
  EXPECT_TRUE(out[1]["imports"].empty());

  // Line 3: malformed, named by its line number; the blank line 4 is skipped.
  EXPECT_EQ(out[2]["input"], 3);
  EXPECT_NE(out[2]["error"].get<std::string>().find("line 3"), std::string::npos) << out[2];

  // Line 5: the import's own filter (total != 0) skips orders-to-dwh only.
  EXPECT_EQ(out[3]["input"], 5);
  EXPECT_EQ(out[3]["filtered"], false);
  EXPECT_FALSE(out[3]["imports"].contains("orders-to-dwh")) << out[3];
  EXPECT_TRUE(out[3]["imports"].contains("orders-file")) << out[3];

  // Line 6: "abc" is not a number: a per-record error, the run goes on.
  EXPECT_EQ(out[4]["input"], 6);
  EXPECT_FALSE(out[4]["errors"].empty()) << out[4];

  EXPECT_FALSE(std::filesystem::exists(dir.file("state")));
}

TEST(PreviewCommandTest, ReadsRecordsFromAnInputFile) {
  TempDir dir;
  std::string input = dir.write("in.jsonl", R"({"id": 9, "status": "paid", "amount": 2})"
                                            "\n");
  auto r = runProcess({kAgent, "preview", kDesign, "--flow", "orders-to-dwh", "--input", input});
  EXPECT_EQ(r.exitCode, 0) << r.err;
  auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["output"]["total"], 2);
}

TEST(PreviewCommandTest, UnknownFlowIsAUsageError) {
  auto r = runProcess({kAgent, "preview", kDesign, "--flow", "orders-to-dw"}, "");
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("no flow with id 'orders-to-dw'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean 'orders-to-dwh'?"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(PreviewCommandTest, BadDefinitionsAndMissingFiles) {
  TempDir dir;
  std::string broken = dir.write("broken.json", "{\"resources\": [}");
  auto r = runProcess({kAgent, "preview", broken, "--flow", "x"}, "");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find(broken + ":1:"), std::string::npos) << r.err;
  std::string invalid = dir.write("invalid.json", R"({"resources": [{"kind": "flow"}]})");
  auto v = runProcess({kAgent, "preview", invalid, "--flow", "x"}, "");
  EXPECT_EQ(v.exitCode, 1);
  EXPECT_NE(v.err.find("/resources/0/id: missing required key 'id'"), std::string::npos) << v.err;
  auto m = runProcess(
      {kAgent, "preview", kDesign, "--flow", "orders-to-dwh", "--input", dir.file("none.jsonl")});
  EXPECT_EQ(m.exitCode, 2);
  EXPECT_NE(m.err.find("none.jsonl"), std::string::npos) << m.err;
  auto noFlow = runProcess({kAgent, "preview", kDesign}, "");
  EXPECT_EQ(noFlow.exitCode, 2);
  EXPECT_NE(noFlow.err.find("--flow"), std::string::npos) << noFlow.err;
}

}  // namespace
}  // namespace ferry
