#include "common/transform/json_logic.h"

#include <gtest/gtest.h>

#include "common/json/json.h"

namespace ferry::transform {
namespace {

using json = ferry::Json;

json eval(const std::string& rule, const std::string& data = "null") {
  auto logic = Logic::compile(json::parse(rule));
  EXPECT_TRUE(logic.isOk()) << logic.status().toString();
  if (!logic) return "compile error";
  auto v = logic->evaluate(json::parse(data));
  EXPECT_TRUE(v.isOk()) << rule << ": " << v.status().toString();
  return v ? *v : json("evaluation error");
}

// The per-record error message of a rule that must fail on `data`.
std::string evalError(const std::string& rule, const std::string& data = "null") {
  auto logic = Logic::compile(json::parse(rule));
  EXPECT_TRUE(logic.isOk()) << logic.status().toString();
  if (!logic) return "compile error";
  auto v = logic->evaluate(json::parse(data));
  EXPECT_FALSE(v.isOk()) << rule << " gave " << (v ? v->dump() : "");
  return v ? "no error" : v.status().message();
}

struct Case {
  const char* rule;
  const char* data;
  const char* expected;
};

// One or more cases per standard operator, chosen where JavaScript's rules are easy to get
// wrong; the official suite (json_logic_conformance_test.cpp) covers the common cases.
TEST(JsonLogicTest, EveryOperator) {
  const Case cases[] = {
      {R"({"var":"a.b.1"})", R"({"a":{"b":[10,20]}})", "20"},
      {R"({"var":["x.y","dflt"]})", R"({"x":{}})", R"("dflt")"},
      {R"({"var":""})", "[1,2]", "[1,2]"},
      {R"({"var":[]})", R"({"a":1})", R"({"a":1})"},
      {R"({"var":1})", R"(["a","b"])", R"("b")"},
      {R"({"var":"a"})", R"({"a":null})", "null"},
      {R"({"var":["a","d"]})", R"({"a":null})", "null"},  // present but null: no default
      {R"({"var":{"cat":["a",".b"]}})", R"({"a":{"b":5}})", "5"},
      {R"({"missing":["a","b.c","d"]})", R"({"a":1,"b":{"c":""}})", R"(["b.c","d"])"},
      {R"({"missing":"a"})", "{}", R"(["a"])"},
      {R"({"missing_some":[1,["a","b"]]})", R"({"b":""})", R"(["a","b"])"},
      {R"({"missing_some":[1,["a","b"]]})", R"({"b":2})", "[]"},
      {R"({"if":[false,1,null,2,3]})", "null", "3"},
      {R"({"if":[[],1,2]})", "null", "2"},
      {R"({"if":[]})", "null", "null"},
      {R"({"?:":["0",1,2]})", "null", "1"},
      {R"({"==":[1,"1"]})", "null", "true"},
      {R"({"==":[0,false]})", "null", "true"},
      {R"({"==":[null,0]})", "null", "false"},
      {R"({"==":[null,null]})", "null", "true"},
      {R"({"==":[[1],"1"]})", "null", "true"},
      {R"({"==":[[1,2],"1,2"]})", "null", "true"},
      {R"({"==":[[],false]})", "null", "true"},
      {R"({"==":[[1],[1]]})", "null", "false"},  // arrays compare by identity
      {R"({"===":[1,"1"]})", "null", "false"},
      {R"({"===":[1,1.0]})", "null", "true"},
      {R"({"!=":["a","b"]})", "null", "true"},
      {R"({"!=":[1,"1"]})", "null", "false"},
      {R"({"!==":[1,"1"]})", "null", "true"},
      {R"({"!":[[]]})", "null", "true"},
      {R"({"!":{"var":"x"}})", R"({"x":0})", "true"},
      {R"({"!!":["0"]})", "null", "true"},
      {R"({"!!":[[]]})", "null", "false"},
      {R"({"!!":[{}]})", "null", "true"},
      {R"({"or":[0,"",[],"x",1]})", "null", R"("x")"},
      {R"({"or":[0,false]})", "null", "false"},
      {R"({"and":[1,"a",0,2]})", "null", "0"},
      {R"({"and":[1,"a"]})", "null", R"("a")"},
      {R"({">":[2,"10"]})", "null", "false"},
      {R"({">=":[2,2]})", "null", "true"},
      {R"({"<":["10","9"]})", "null", "true"},  // two strings compare as text
      {R"({"<":[10,"9"]})", "null", "false"},
      {R"({"<":[1,2,3]})", "null", "true"},
      {R"({"<":[1,3,3]})", "null", "false"},
      {R"({"<=":[1,2,2]})", "null", "true"},
      {R"({"<=":[1,3,2]})", "null", "false"},
      {R"({"<":[null,1]})", "null", "true"},
      {R"({"<":[1,"x"]})", "null", "false"},
      {R"({"max":[1,"3",2]})", "null", "3"},
      {R"({"min":[1,-2.5,2]})", "null", "-2.5"},
      {R"({"+":["3.5",1]})", "null", "4.5"},
      {R"({"+":["3kg",1]})", "null", "4"},  // parseFloat
      {R"({"+":[]})", "null", "0"},
      {R"({"+":"2"})", "null", "2"},  // unary plus casts
      {R"({"-":["5"]})", "null", "-5"},
      {R"({"-":[null,2]})", "null", "-2"},  // Number(null) is 0
      {R"({"*":["2",3,0.5]})", "null", "3"},
      {R"({"/":[7,2]})", "null", "3.5"},
      {R"({"%":[-7,3]})", "null", "-1"},
      {R"({"in":["Spring","Springfield"]})", "null", "true"},
      {R"({"in":["","abc"]})", "null", "true"},
      {R"({"in":["a",""]})", "null", "false"},
      {R"({"in":[1,["1",2]]})", "null", "false"},  // strict equality in arrays
      {R"({"in":[2,["1",2]]})", "null", "true"},
      {R"({"in":["a",null]})", "null", "false"},
      {R"({"cat":["a",1,2.5,true,[1,2]]})", "null", R"("a12.5true1,2")"},
      {R"({"cat":["a",null,"b"]})", "null", R"("ab")"},  // Array.join drops null
      {R"({"cat":[0.1,1e21]})", "null", R"("0.11e+21")"},
      {R"({"substr":["jsonlogic",4]})", "null", R"("logic")"},
      {R"({"substr":["jsonlogic",-5]})", "null", R"("logic")"},
      {R"({"substr":["jsonlogic",1,3]})", "null", R"("son")"},
      {R"({"substr":["jsonlogic",4,-3]})", "null", R"("lo")"},
      {R"({"substr":["jsonlogic",-5,-2]})", "null", R"("log")"},
      {R"({"substr":["Grüße",2,2]})", "null", R"("üß")"},  // code points, not bytes
      {R"({"substr":[12345,1,2]})", "null", R"("23")"},
      {R"({"merge":[[1],2,[[3]]]})", "null", "[1,2,[3]]"},
      {R"({"merge":[]})", "null", "[]"},
      {R"({"map":[{"var":"xs"},{"*":[{"var":""},2]}]})", R"({"xs":[1,2]})", "[2,4]"},
      {R"({"map":[{"var":"nope"},{"var":""}]})", "{}", "[]"},
      {R"({"filter":[[1,2,3,4],{"%":[{"var":""},2]}]})", "null", "[1,3]"},
      {R"({"reduce":[[1,2,3],{"+":[{"var":"current"},{"var":"accumulator"}]},10]})", "null", "16"},
      {R"({"reduce":[{"var":"x"},{"var":"current"},7]})", "{}", "7"},
      {R"({"all":[[1,2],{">":[{"var":""},0]}]})", "null", "true"},
      {R"({"all":[[],{">":[{"var":""},0]}]})", "null", "false"},
      {R"({"some":[[1,2],{">":[{"var":""},1]}]})", "null", "true"},
      {R"({"some":[[],{"var":""}]})", "null", "false"},
      {R"({"none":[[1,2],{">":[{"var":""},5]}]})", "null", "true"},
      {R"({"none":[[1,6],{">":[{"var":""},5]}]})", "null", "false"},
      {"[1,{\"var\":\"a\"}]", R"({"a":2})", "[1,2]"},
      {R"({"a":1,"b":2})", "null", R"({"a":1,"b":2})"},  // two keys: a literal object
  };
  for (const auto& c : cases) {
    EXPECT_EQ(eval(c.rule, c.data), json::parse(c.expected)) << c.rule << " with " << c.data;
  }
}

TEST(JsonLogicTest, LogWritesToStderrAndReturnsItsValue) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  json v = eval(R"({"log":{"var":"a"}})", R"({"a":[1,"x"]})");
  std::string out = testing::internal::GetCapturedStdout();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(v, json::parse(R"([1,"x"])"));
  EXPECT_EQ(out, "") << "stdout carries preview output";
  EXPECT_EQ(err, "{\"jsonLogicLog\":[1,\"x\"]}\n");
}

TEST(JsonLogicTest, ArithmeticWithoutAFiniteResultIsAPerRecordError) {
  EXPECT_EQ(evalError(R"({"/":[1,0]})"), "JSON Logic '/': division by zero");
  EXPECT_EQ(evalError(R"({"%":[{"var":"a"},0]})", R"({"a":5})"),
            "JSON Logic '%': division by zero");
  EXPECT_EQ(evalError(R"({"/":[{"var":"a"},"x"]})", R"({"a":5})"),
            "JSON Logic '/': \"x\" is not a number");
  EXPECT_EQ(evalError(R"({"*":["2",{"var":"b"}]})", R"({"b":{"c":1}})"),
            "JSON Logic '*': {\"c\":1} is not a number");
  EXPECT_EQ(evalError(R"({"+":[1,{"var":"missing"}]})", "{}"),
            "JSON Logic '+': null is not a number");
  EXPECT_EQ(evalError(R"({"-":["1e999",1]})"), "JSON Logic '-': the result is not a finite number");
  EXPECT_EQ(evalError(R"({"*":[1e308,10]})"), "JSON Logic '*': the result is not a finite number");
  EXPECT_EQ(evalError(R"({"max":[1,"abc"]})"), "JSON Logic 'max': \"abc\" is not a number");
  EXPECT_EQ(evalError(R"({"min":[]})"), "JSON Logic 'min': needs at least one number");
  EXPECT_EQ(evalError(R"({"/":[1]})"), "JSON Logic '/': needs two operands");
  EXPECT_EQ(evalError(R"({"*":[]})"), "JSON Logic '*': needs at least one operand");
  // Inside a larger rule the error still surfaces instead of a silent null or false.
  EXPECT_EQ(
      evalError(R"({"and":[true,{">":[{"/":[{"var":"a"},{"var":"b"}]},1]}]})", R"({"a":1,"b":0})"),
      "JSON Logic '/': division by zero");
  auto logic = Logic::compile(json::parse(R"({"<":[{"/":[1,{"var":"n"}]},1]})"));
  ASSERT_TRUE(logic.isOk());
  EXPECT_FALSE(logic->test(json::parse(R"({"n":0})")).isOk());
  EXPECT_TRUE(*logic->test(json::parse(R"({"n":2})")));
}

TEST(JsonLogicTest, HostileValuesNeverOverflow) {
  // Found by the fuzzer: positions far outside any string must not overflow.
  EXPECT_EQ(eval(R"({"substr":["abc", -4.7e39]})"), "abc");
  EXPECT_EQ(eval(R"({"substr":["abc", 1, 6.6e22]})"), "bc");
  EXPECT_EQ(eval(R"({"var":99999999999})", "[1]"), nullptr);
  EXPECT_EQ(eval(R"({"+":[9007199254740993, 0]})"), 9007199254740992);
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
  Problems deepProblems;
  validateLogic(deep, "/filter", deepProblems);
  ASSERT_EQ(deepProblems.size(), 1u);
  EXPECT_NE(deepProblems[0].message.find("nested deeper than 200 levels"), std::string::npos);
  Problems none;
  validateLogic(json::parse(R"({"if":[{"var":"a"},{"cat":["x"]},[{"merge":[]}]]})"), "", none);
  EXPECT_TRUE(none.empty());
}

TEST(JsonLogicTest, TruthinessTest) {
  auto logic = Logic::compile(json::parse(R"({"var":"x"})"));
  ASSERT_TRUE(logic.isOk());
  EXPECT_FALSE(*logic->test(json::parse(R"({"x":[]})")));
  EXPECT_TRUE(*logic->test(json::parse(R"({"x":{}})")));
  EXPECT_FALSE(*logic->test(json::parse(R"({"x":""})")));
  EXPECT_TRUE(*logic->test(json::parse(R"({"x":"0"})")));
  EXPECT_FALSE(*logic->test(json::parse(R"({"x":0.0})")));
  EXPECT_FALSE(*logic->test(json::parse("{}")));
}

}  // namespace
}  // namespace ferry::transform
