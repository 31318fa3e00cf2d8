#include "common/schema/field_spec.h"

#include <gtest/gtest.h>

#include "common/json/json.h"
#include "common/schema/suggest.h"

namespace ferry::schema {
namespace {

using json = ferry::Json;

ObjectSpec sampleSpec() {
  FieldSpec port{"port", FieldType::kInteger, "port", "1883", false, false, {}, 1, 65535, {}};
  FieldSpec mode{"mode", FieldType::kString, "mode", "\"FULL\"", false, false, {"FULL", "NORMAL"}};
  FieldSpec host{"host", FieldType::kString, "host", "", true};
  FieldSpec password{"password", FieldType::kString, "pw", "", false, true};
  FieldSpec server{"server", FieldType::kObject,    "server", "", false, false, {}, {},
                   {},       {host, port, password}};
  return {server, mode};
}

TEST(FieldSpecTest, ValidDocumentHasNoProblems) {
  Problems p;
  validate(json::parse(R"({"server":{"host":"h","port":80,"password":{"$secret":"pw"}}})"),
           sampleSpec(), "", p);
  EXPECT_TRUE(p.empty()) << formatProblems(p);
}

TEST(FieldSpecTest, ReportsEveryProblemWithItsPointer) {
  Problems p;
  validate(json::parse(R"({"server":{"prot":1,"port":"x","password":"plain"},"mode":"FAST"})"),
           sampleSpec(), "", p);
  std::string all = formatProblems(p);
  EXPECT_NE(all.find("/server/prot: unknown key 'prot'; did you mean 'port'?"), std::string::npos)
      << all;
  EXPECT_NE(all.find("/server/port: 'port' must be integer, got string"), std::string::npos) << all;
  EXPECT_NE(all.find("/server/password: 'password' is a secret"), std::string::npos) << all;
  EXPECT_NE(all.find("/server/host: missing required key 'host'"), std::string::npos) << all;
  EXPECT_NE(all.find("/mode: 'FAST' is not allowed"), std::string::npos) << all;
  EXPECT_EQ(p.size(), 5u) << all;
}

TEST(FieldSpecTest, RangeAndWholeNumbersChecked) {
  Problems p;
  validate(json::parse(R"({"server":{"host":"h","port":70000}})"), sampleSpec(), "", p);
  validate(json::parse(R"({"server":{"host":"h","port":1.5}})"), sampleSpec(), "", p);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].pointer, "/server/port");
  EXPECT_NE(p[0].message.find("at most 65535"), std::string::npos);
  EXPECT_NE(p[1].message.find("must be integer"), std::string::npos);
}

TEST(FieldSpecTest, PointerTokensAreEscaped) {
  Problems p;
  validate(json::parse(R"({"a/b~c":1})"), sampleSpec(), "", p);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].pointer, "/a~1b~0c");
}

TEST(FieldSpecTest, DefaultsFillMissingKeysOnly) {
  json out = withDefaults(json::parse(R"({"server":{"host":"h"},"mode":"NORMAL"})"), sampleSpec());
  EXPECT_EQ(out["server"]["port"], 1883);
  EXPECT_EQ(out["mode"], "NORMAL");
  EXPECT_FALSE(out["server"].contains("password"));
}

TEST(FieldSpecTest, LeavesAndDocs) {
  auto l = leaves(sampleSpec());
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[1].path, (std::vector<std::string>{"server", "port"}));
  std::string md = markdownTable(sampleSpec());
  EXPECT_NE(md.find("| `server.port` | integer | `1883` | no | port |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `server.password` | secret |"), std::string::npos) << md;
  EXPECT_NE(describe(sampleSpec()).find("one of FULL, NORMAL"), std::string::npos);
}

TEST(SuggestTest, ClosestMatchOnlyForLikelyTypos) {
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(closestMatch("orders-dwh", {"orders-to-dwh", "customers"}).value_or(""),
            "orders-to-dwh");
  EXPECT_FALSE(closestMatch("zzz", {"port", "host"}).has_value());
}

}  // namespace
}  // namespace ferry::schema
