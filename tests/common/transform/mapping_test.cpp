#include "common/transform/mapping.h"

#include <gtest/gtest.h>

#include "common/json/json.h"
#include "common/transform/record_path.h"
#include "common/transform/type_conversion.h"

namespace ferry::transform {
namespace {

using json = ferry::Json;

json apply(const std::string& rules, const std::string& record) {
  auto m = Mapping::compile(json::parse(rules));
  EXPECT_TRUE(m.isOk()) << m.status().toString();
  auto out = m->apply(json::parse(record));
  EXPECT_TRUE(out.isOk()) << out.status().toString();
  return out ? *out : json();
}

TEST(MappingTest, FromValueExprAndNestedTargets) {
  json out = apply(R"([
      {"from":"id","to":"order_id"},
      {"from":"items[1].sku","to":"second.sku"},
      {"from":"items.0.qty","to":"lines[0].qty","type":"integer"},
      {"value":"erp","to":"source"},
      {"expr":{"*":[{"var":"total"},100]},"to":"amount_cents","type":"integer"}])",
                   R"({"id":7,"total":12.34,"items":[{"sku":"a","qty":"2"},{"sku":"b"}]})");
  EXPECT_EQ(out, json::parse(R"({"order_id":7,"second":{"sku":"b"},"lines":[{"qty":2}],
                                 "source":"erp","amount_cents":1234})"));
}

TEST(MappingTest, DefaultsRequiredAndMissing) {
  auto m = Mapping::compile(json::parse(R"([
      {"from":"a","to":"a","default":"x"},
      {"from":"b","to":"b"},
      {"from":"c","to":"c","required":true}])"));
  ASSERT_TRUE(m.isOk());
  auto ok = m->apply(json::parse(R"({"a":null,"c":1})"));
  ASSERT_TRUE(ok.isOk());
  EXPECT_EQ(*ok, json::parse(R"({"a":"x","c":1})"));  // b missing stays missing
  auto missing = m->apply(json::parse(R"({"a":1})"));
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().message(), "field 'c' is required but missing (from 'c')");
}

TEST(MappingTest, ConversionErrorsArePerRecordAndNameTheField) {
  auto m = Mapping::compile(json::parse(R"([{"from":"n","to":"count","type":"integer"}])"));
  ASSERT_TRUE(m.isOk());
  auto bad = m->apply(json::parse(R"({"n":"12.5"})"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "field 'count': '12.5' is not an integer");
  EXPECT_TRUE(m->apply(json::parse(R"({"n":"12"})")).isOk());
}

TEST(MappingTest, FlatMappingsReportTheFirstFailingRuleInTheirOwnOrder) {
  // Every rule sets its own top-level key, listed out of key order: the output is built in
  // key order, but a record's error is still the first failing rule as written.
  auto m = Mapping::compile(json::parse(R"([
      {"from":"z","to":"z","type":"integer"},
      {"from":"m","to":"m","required":true},
      {"from":"a","to":"a","type":"integer"},
      {"value":1,"to":"k"}])"));
  ASSERT_TRUE(m.isOk());
  auto ok = m->apply(json::parse(R"({"z":"3","m":"x","a":null,"extra":true})"));
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ(*ok, json::parse(R"({"z":3,"m":"x","a":null,"k":1})"));
  auto bad = m->apply(json::parse(R"({"z":"x","a":"y"})"));
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "field 'z': 'x' is not an integer");
  auto missing = m->apply(json::parse(R"({"z":"1","a":"y"})"));
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().message(), "field 'm' is required but missing (from 'm')");
}

TEST(MappingTest, ALaterRuleForTheSameFieldWins) {
  EXPECT_EQ(apply(R"([{"from":"a","to":"x"},{"from":"b","to":"y"},{"from":"b","to":"x"}])",
                  R"({"a":1,"b":2})"),
            json::parse(R"({"x":2,"y":2})"));
  // A missing value does not remove what an earlier rule set.
  EXPECT_EQ(apply(R"([{"from":"a","to":"x"},{"from":"nope","to":"x"}])", R"({"a":1})"),
            json::parse(R"({"x":1})"));
}

TEST(MappingTest, MalformedRulesReportEveryProblem) {
  Problems p;
  validateMapping(json::parse(R"([{"from":"a"},{"from":"a","value":1,"to":"x"},
                                  {"form":"a","to":"b"},{"from":"a..b","to":"c","type":"int"}])"),
                  "/resources/4/mapping", p);
  std::string all = formatProblems(p);
  EXPECT_NE(all.find("/resources/4/mapping/0/to: a mapping rule needs 'to'"), std::string::npos)
      << all;
  EXPECT_NE(all.find("/resources/4/mapping/1: a mapping rule takes only one of"),
            std::string::npos);
  EXPECT_NE(all.find("/resources/4/mapping/2/form: unknown key 'form' in a mapping rule; did you "
                     "mean 'from'?"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("/resources/4/mapping/3/from: path 'a..b' has an empty segment"),
            std::string::npos);
  EXPECT_NE(all.find("/resources/4/mapping/3/type: unknown type 'int'"), std::string::npos);
}

TEST(MappingTest, EveryValidationMessage) {
  struct Case {
    const char* rules;
    const char* expected;  // formatProblems() output
  };
  const Case cases[] = {
      {R"({"from":"a","to":"b"})", "/m: a mapping must be an array of rules\n"},
      {R"(["a"])",
       "/m/0: a mapping rule must be an object with 'to' and one of 'from', 'value' or "
       "'expr'\n"},
      {R"([{"to":"x"}])", "/m/0: a mapping rule needs one of 'from', 'value' or 'expr'\n"},
      {R"([{"from":"a","expr":{"var":"a"},"to":"x"}])",
       "/m/0: a mapping rule takes only one of 'from', 'value' and 'expr'\n"},
      {R"([{"from":"a"}])", "/m/0/to: a mapping rule needs 'to'\n"},
      {R"([{"from":1,"to":"x"}])", "/m/0/from: 'from' must be a path string\n"},
      {R"([{"from":"a","to":["x"]}])", "/m/0/to: 'to' must be a path string\n"},
      {R"([{"from":"a[x]","to":"b"}])", "/m/0/from: path 'a[x]': [x] is not an array index\n"},
      {R"([{"from":"a","to":"b."}])", "/m/0/to: path 'b.' ends with '.'\n"},
      {R"([{"from":"a","to":"b[1"}])", "/m/0/to: path 'b[1': '[' without ']'\n"},
      {R"([{"from":"a","to":""}])", "/m/0/to: empty path\n"},
      {R"([{"expr":{"vars":"a"},"to":"b"}])",
       "/m/0/expr/vars: unknown JSON Logic operator 'vars'; did you mean 'var'?\n"},
      {R"([{"from":"a","to":"b","type":"int"}])",
       "/m/0/type: unknown type 'int'; did you mean 'integer'? (string, integer, number, "
       "boolean, datetime, date)\n"},
      {R"([{"from":"a","to":"b","type":"Timestamp"}])",
       "/m/0/type: unknown type 'Timestamp'; did you mean 'datetime'? (string, integer, number, "
       "boolean, datetime, date)\n"},
      {R"([{"from":"a","to":"b","type":"nmber"}])",
       "/m/0/type: unknown type 'nmber'; did you mean 'number'? (string, integer, number, "
       "boolean, datetime, date)\n"},
      {R"([{"from":"a","to":"b","type":7}])",
       "/m/0/type: unknown type '7' (string, integer, number, boolean, datetime, date)\n"},
      {R"([{"from":"a","to":"b","required":"yes"}])",
       "/m/0/required: 'required' must be true or false\n"},
      {R"([{"from":"a","to":"b","defualt":1}])",
       "/m/0/defualt: unknown key 'defualt' in a mapping rule; did you mean 'default'?\n"},
  };
  for (const auto& c : cases) {
    Problems p;
    validateMapping(json::parse(c.rules), "/m", p);
    EXPECT_EQ(formatProblems(p), c.expected) << c.rules;
    auto compiled = Mapping::compile(json::parse(c.rules));
    EXPECT_FALSE(compiled.isOk()) << c.rules;
  }
  Problems fine;
  validateMapping(json::parse(R"([{"value":null,"to":"a[0].b","type":"date","default":"x",
                                   "required":false}])"),
                  "/m", fine);
  EXPECT_TRUE(fine.empty()) << formatProblems(fine);
}

TEST(MappingTest, PerRecordErrorsNameTheField) {
  auto m = Mapping::compile(json::parse(R"([
      {"from":"a","to":"out.a"},
      {"expr":{"/":[{"var":"total"},{"var":"count"}]},"to":"avg","type":"number"},
      {"from":"when","to":"when","type":"datetime"},
      {"from":"name","to":"name","required":true}])"));
  ASSERT_TRUE(m.isOk()) << m.status().toString();
  auto ok = m->apply(json::parse(R"({"a":1,"total":9,"count":2,"when":"2026-01-01T00:00:00+01:00",
                                     "name":"x"})"));
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ(*ok, json::parse(R"({"out":{"a":1},"avg":4.5,"when":"2025-12-31T23:00:00Z",
                                 "name":"x"})"));
  struct Case {
    const char* record;
    const char* message;
  };
  const Case cases[] = {
      {R"({"total":9,"count":0,"name":"x"})", "field 'avg': JSON Logic '/': division by zero"},
      {R"({"total":9,"count":"two","name":"x"})",
       "field 'avg': JSON Logic '/': \"two\" is not a number"},
      {R"({"total":1,"count":1,"when":"yesterday","name":"x"})",
       "field 'when': 'yesterday' is not an ISO-8601 datetime (e.g. 2026-03-01T12:00:00+01:00)"},
      {R"({"total":1,"count":1})", "field 'name' is required but missing (from 'name')"},
      {R"({"total":1,"count":1,"name":null})", "field 'name' is required but null"},
  };
  for (const auto& c : cases) {
    auto out = m->apply(json::parse(c.record));
    ASSERT_FALSE(out.isOk()) << c.record;
    EXPECT_EQ(out.status().message(), c.message);
  }
  // A scalar in the way of a nested target fails the record instead of throwing.
  auto clash = Mapping::compile(json::parse(R"([{"value":1,"to":"a"},{"value":2,"to":"a.b"}])"));
  ASSERT_TRUE(clash.isOk());
  auto blocked = clash->apply(json::object());
  ASSERT_FALSE(blocked.isOk());
  EXPECT_EQ(blocked.status().message(), "field 'a.b': cannot set 'a.b': a number is in the way");
}

TEST(MappingTest, DefaultAppliesToNullExpressionsAndValueRulesAreLiterals) {
  json out = apply(R"([
      {"expr":{"var":"nick"},"to":"nick","default":"anon"},
      {"value":{"var":"x"},"to":"literal"},
      {"from":"n","to":"n","type":"string","default":0}])",
                   R"({"x":1})");
  EXPECT_EQ(out, json::parse(R"({"nick":"anon","literal":{"var":"x"},"n":"0"})"));
}

TEST(TypeConversionTest, EachType) {
  auto conv = [](const json& v, ValueType t) { return convertValue(v, t); };
  EXPECT_EQ(*conv(12, ValueType::kString), "12");
  EXPECT_EQ(*conv(1.5, ValueType::kString), "1.5");
  EXPECT_EQ(*conv("42", ValueType::kInteger), 42);
  EXPECT_EQ(*conv(3.0, ValueType::kInteger), 3);
  EXPECT_FALSE(conv("", ValueType::kInteger).isOk());
  EXPECT_FALSE(conv("abc", ValueType::kNumber).isOk());
  EXPECT_EQ(*conv(" 2.5 ", ValueType::kNumber), 2.5);
  EXPECT_EQ(*conv("yes", ValueType::kBoolean), true);
  EXPECT_EQ(*conv(0, ValueType::kBoolean), false);
  EXPECT_FALSE(conv("maybe", ValueType::kBoolean).isOk());
  EXPECT_EQ(*conv("2026-03-29T02:30:00+02:00", ValueType::kDatetime), "2026-03-29T00:30:00Z");
  EXPECT_EQ(*conv("2026-01-01 10:00:00.120", ValueType::kDatetime), "2026-01-01T10:00:00.12Z");
  EXPECT_EQ(*conv(0, ValueType::kDatetime), "1970-01-01T00:00:00Z");
  EXPECT_EQ(*conv(1.5, ValueType::kDatetime), "1970-01-01T00:00:01.5Z");
  EXPECT_FALSE(conv("2026-02-30", ValueType::kDatetime).isOk());
  EXPECT_EQ(*conv("2024-02-29T23:00:00-05:00", ValueType::kDate), "2024-02-29");
  EXPECT_EQ(*conv(nullptr, ValueType::kInteger), nullptr);
  EXPECT_EQ(*conv(true, ValueType::kString), "true");
  EXPECT_FALSE(conv(json::object(), ValueType::kString).isOk());
  EXPECT_EQ(*conv(" 7 ", ValueType::kInteger), 7);
  EXPECT_EQ(*conv(true, ValueType::kInteger), 1);
  EXPECT_FALSE(conv(2.5, ValueType::kInteger).isOk());
  EXPECT_FALSE(conv("1e30", ValueType::kInteger).isOk());
  EXPECT_FALSE(conv(json::array(), ValueType::kInteger).isOk());
  EXPECT_EQ(*conv("12", ValueType::kNumber), 12);
  EXPECT_FALSE(conv("", ValueType::kNumber).isOk());
  EXPECT_FALSE(conv("Infinity", ValueType::kNumber).isOk());
  EXPECT_EQ(*conv("FALSE", ValueType::kBoolean), false);
  EXPECT_FALSE(conv(2, ValueType::kBoolean).isOk());
  EXPECT_EQ(*conv("2026-03-01T12:00Z", ValueType::kDatetime), "2026-03-01T12:00:00Z");
  EXPECT_EQ(*conv("2026-03-01", ValueType::kDatetime), "2026-03-01T00:00:00Z");
  EXPECT_EQ(*conv("2026-03-01T00:30:00+0130", ValueType::kDatetime), "2026-02-28T23:00:00Z");
  EXPECT_FALSE(conv("2026-03-01T25:00:00Z", ValueType::kDatetime).isOk());
  EXPECT_FALSE(conv("2026-03-01T10:00:00+02", ValueType::kDatetime).isOk());
  EXPECT_FALSE(conv(true, ValueType::kDatetime).isOk());
  EXPECT_EQ(*conv("2026-03-01", ValueType::kDate), "2026-03-01");
  EXPECT_FALSE(conv("01.03.2026", ValueType::kDate).isOk());
  EXPECT_FALSE(conv(20260301, ValueType::kDate).isOk());
}

TEST(RecordPathTest, ParseFindAssign) {
  EXPECT_FALSE(RecordPath::parse("").isOk());
  EXPECT_FALSE(RecordPath::parse("a[x]").isOk());
  EXPECT_FALSE(RecordPath::parse("a.").isOk());
  auto p = RecordPath::parse("a.b[2].c");
  ASSERT_TRUE(p.isOk());
  json r = json::object();
  ASSERT_TRUE(p->assign(r, 5).isOk());
  EXPECT_EQ(r, json::parse(R"({"a":{"b":[null,null,{"c":5}]}})"));
  EXPECT_EQ(*p->find(r), 5);
  json blocked = {{"a", 1}};
  EXPECT_FALSE(p->assign(blocked, 1).isOk());
}

}  // namespace
}  // namespace ferry::transform
