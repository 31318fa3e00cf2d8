#include "common/transform/mapping.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/transform/record_path.h"
#include "common/transform/type_conversion.h"

namespace ferry::transform {
namespace {

using nlohmann::json;

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
