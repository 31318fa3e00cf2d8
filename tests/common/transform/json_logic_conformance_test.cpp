// The official JSON Logic suite (jsonlogic.com/tests.json), read from the shared
// conformance folder at test time: every case must pass.
#include <gtest/gtest.h>

#include <fstream>

#include "common/json/json.h"
#include "common/transform/json_logic.h"

namespace ferry::transform {
namespace {

using json = ferry::Json;

TEST(JsonLogicConformanceTest, EveryOfficialCasePasses) {
  std::ifstream in(std::string(FERRY_CONFORMANCE_DIR) + "/jsonlogic-tests.json");
  ASSERT_TRUE(in) << "missing " << FERRY_CONFORMANCE_DIR << "/jsonlogic-tests.json";
  json suite = json::parse(in);
  int cases = 0, failures = 0;
  for (const auto& item : suite) {
    if (item.is_string()) continue;  // a section comment
    ++cases;
    const json& rule = item[0];
    const json& data = item[1];
    const json& expected = item[2];
    auto logic = Logic::compile(rule);
    if (!logic) {
      ++failures;
      ADD_FAILURE() << "compile " << rule.dump() << ": " << logic.status().message();
      continue;
    }
    auto got = logic->evaluate(data);
    if (!got || *got != expected) {
      ++failures;
      ADD_FAILURE() << rule.dump() << " with " << data.dump() << ": expected " << expected.dump()
                    << ", got " << (got ? got->dump() : got.status().message());
    }
  }
  EXPECT_EQ(cases, 277);
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace ferry::transform
