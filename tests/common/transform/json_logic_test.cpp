#include "common/transform/json_logic.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ferry::transform {
namespace {

using nlohmann::json;

json eval(const std::string& rule, const std::string& data = "null") {
  auto logic = Logic::compile(json::parse(rule));
  EXPECT_TRUE(logic.isOk()) << logic.status().toString();
  if (!logic) return "compile error";
  auto v = logic->evaluate(json::parse(data));
  EXPECT_TRUE(v.isOk());
  return v ? *v : json("evaluation error");
}

TEST(JsonLogicTest, VarPathsDefaultsAndWholeData) {
  EXPECT_EQ(eval(R"({"var":"a.b.1"})", R"({"a":{"b":[10,20]}})"), 20);
  EXPECT_EQ(eval(R"({"var":["x.y", "dflt"]})", R"({"x":{}})"), "dflt");
  EXPECT_EQ(eval(R"({"var":""})", R"([1,2])"), json::parse("[1,2]"));
  EXPECT_EQ(eval(R"({"var":1})", R"(["a","b"])"), "b");
  EXPECT_EQ(eval(R"({"var":"a"})", R"({"a":null})"), nullptr);
  EXPECT_EQ(eval(R"({"var":{"cat":["a",".b"]}})", R"({"a":{"b":5}})"), 5);
}

TEST(JsonLogicTest, LooseEqualityAndCoercion) {
  EXPECT_EQ(eval(R"({"==":[1,"1"]})"), true);
  EXPECT_EQ(eval(R"({"==":[0,false]})"), true);
  EXPECT_EQ(eval(R"({"==":[null,0]})"), false);
  EXPECT_EQ(eval(R"({"==":[[1],"1"]})"), true);
  EXPECT_EQ(eval(R"({"===":[1,"1"]})"), false);
  EXPECT_EQ(eval(R"({"!==":[1,1.0]})"), false);
  EXPECT_EQ(eval(R"({"+":["3.5", 1]})"), 4.5);
  EXPECT_EQ(eval(R"({"-":["5"]})"), -5);
  EXPECT_EQ(eval(R"({"*":["2", "x"]})"), nullptr);  // NaN is written as null
  EXPECT_EQ(eval(R"({"/":[1, 0]})"), nullptr);      // Infinity too
  EXPECT_EQ(eval(R"({"%":[-7, 3]})"), -1);
  EXPECT_EQ(eval(R"({"<":["10", "9"]})"), true);  // two strings compare as text
  EXPECT_EQ(eval(R"({"<":[10, "9"]})"), false);
  EXPECT_EQ(eval(R"({"<=":[1, 2, 2]})"), true);
  EXPECT_EQ(eval(R"({"!":[[]]})"), true);
  EXPECT_EQ(eval(R"({"!!":["0"]})"), true);
}

TEST(JsonLogicTest, StringsAndArrays) {
  EXPECT_EQ(eval(R"({"cat":["a", 1, 2.5, null, true]})"), "a12.5nulltrue");
  EXPECT_EQ(eval(R"({"substr":["jsonlogic", -5, -2]})"), "log");
  EXPECT_EQ(eval(R"({"substr":["Grüße", 2, 2]})"), "üß");  // code points, not bytes
  EXPECT_EQ(eval(R"({"in":["Spring", "Springfield"]})"), true);
  EXPECT_EQ(eval(R"({"in":[1, ["1", 2]]})"), false);
  EXPECT_EQ(eval(R"({"merge":[[1], 2, [[3]]]})"), json::parse("[1,2,[3]]"));
  EXPECT_EQ(eval(R"({"reduce":[[1,2,3], {"+":[{"var":"current"},{"var":"accumulator"}]}, 10]})"),
            16);
  EXPECT_EQ(eval(R"({"all":[[], {">":[{"var":""},0]}]})"), false);
  EXPECT_EQ(eval(R"({"none":[[1,2], {">":[{"var":""},5]}]})"), true);
  EXPECT_EQ(eval(R"({"missing_some":[1, ["a","b"]]})", R"({"b":""})"), json::parse(R"(["a","b"])"));
  EXPECT_EQ(eval(R"({"max":[]})"), nullptr);
  // Found by the fuzzer: positions far outside any string must not overflow.
  EXPECT_EQ(eval(R"({"substr":["abc", -4.7e39]})"), "abc");
  EXPECT_EQ(eval(R"({"substr":["abc", 1, 6.6e22]})"), "bc");
}

TEST(JsonLogicTest, MalformedRulesAreRejectedWithTheirPointer) {
  auto bad = Logic::compile(json::parse(R"({"and":[{"==":[1,1]},{"equals":[1,1]}]})"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "/and/1/equals: unknown JSON Logic operator 'equals'");
  Problems problems;
  validateLogic(json::parse(R"({"or":[{"mising":["a"]},{"vr":"x"}]})"), "/filter", problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].toString(),
            "/filter/or/0/mising: unknown JSON Logic operator 'mising'; did you mean 'missing'?");
  EXPECT_EQ(problems[1].pointer, "/filter/or/1/vr");
  json deep = 1;
  for (int i = 0; i < 500; ++i) deep = json{{"!", deep}};
  EXPECT_FALSE(Logic::compile(deep).isOk());
}

TEST(JsonLogicTest, TruthinessTest) {
  auto logic = Logic::compile(json::parse(R"({"var":"x"})"));
  ASSERT_TRUE(logic.isOk());
  EXPECT_FALSE(*logic->test(json::parse(R"({"x":[]})")));
  EXPECT_TRUE(*logic->test(json::parse(R"({"x":{}})")));
  EXPECT_FALSE(*logic->test(json::parse(R"({"x":""})")));
  EXPECT_TRUE(*logic->test(json::parse(R"({"x":"0"})")));
}

}  // namespace
}  // namespace ferry::transform
