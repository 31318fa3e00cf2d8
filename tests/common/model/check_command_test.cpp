// `ferry-agent check FILE` as a real process.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

std::string readDesign() {
  std::ifstream in(kDesign);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(CheckCommandTest, ValidFileGetsASummaryAndExitZero) {
  auto r = runProcess({kAgent, "check", kDesign});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("/resources/6/delta: warning: no 'delta.key'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(kDesign + ": valid: 4 connections, 4 exports, 3 imports, 1 lookup, 1 "
                                 "flow, 1 integration (1 warning)\n"),
            std::string::npos)
      << r.out;
}

TEST(CheckCommandTest, ProblemsArePrintedOnePerLinePointerFirst) {
  TempDir dir;
  json doc = json::parse(readDesign());
  doc["resources"][13]["steps"][3] = {{"import", "orders-dwh"}};
  doc["resources"][0]["settings"]["password"] = "hunter2";
  std::string path = dir.write("defs.json", doc.dump(2));
  auto r = runProcess({kAgent, "check", path});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find("/resources/0/settings/password: 'password' is a secret"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n/resources/13/steps/3/import: no import with id 'orders-dwh'; did you "
                       "mean 'orders-to-dwh'?\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;  // 2 errors, 1 warning
  EXPECT_NE(r.err.find("2 errors, 1 warning"), std::string::npos) << r.err;
}

TEST(CheckCommandTest, JsonOutput) {
  TempDir dir;
  std::string bad = dir.write("bad.json", R"({"resources": [{"kind": "flw", "id": "x"}]})");
  auto r = runProcess({kAgent, "check", bad, "--json"});
  EXPECT_EQ(r.exitCode, 1);
  json out = json::parse(r.out);
  EXPECT_EQ(out["ok"], false);
  ASSERT_EQ(out["problems"].size(), 1u);
  EXPECT_EQ(out["problems"][0]["pointer"], "/resources/0/kind");
  EXPECT_EQ(out["problems"][0]["severity"], "error");
  auto good = runProcess({kAgent, "check", "--json", kDesign});
  EXPECT_EQ(good.exitCode, 0);
  json ok = json::parse(good.out);
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["resources"], 14);
  EXPECT_EQ(ok["contentHash"].get<std::string>().size(), 64u);
}

TEST(CheckCommandTest, MalformedJsonNamesLineAndColumn) {
  TempDir dir;
  std::string path = dir.write("broken.json", "{\"resources\": [\n  {\"kind\": }\n]}");
  auto r = runProcess({kAgent, "check", path});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.out.find(path + ":2:12: malformed JSON"), std::string::npos) << r.out;
}

TEST(CheckCommandTest, MissingFileIsAUsageError) {
  TempDir dir;
  auto r = runProcess({kAgent, "check", dir.file("none.json")});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(CheckCommandTest, ConfigCheckStillWorks) {
  TempDir dir;
  std::string good = dir.write("agent.json", R"({"log": {"level": "info"}})");
  auto r = runProcess({kAgent, "check", "--config", good});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("configuration is valid"), std::string::npos) << r.out;
  std::string bad = dir.write("bad.json", R"({"log": {"level": "loud"}})");
  EXPECT_EQ(runProcess({kAgent, "check", "--config", bad}).exitCode, 1);
}

}  // namespace
}  // namespace ferry
