#include "common/transform/steps.h"

#include <gtest/gtest.h>

namespace ferry::transform {
namespace {

using nlohmann::json;

Logic logic(const std::string& text) {
  return std::move(*Logic::compile(json::parse(text)));
}
Mapping mapping(const std::string& text) {
  return std::move(*Mapping::compile(json::parse(text)));
}

// A fake lookup source: customer rows keyed by customer_id.
class FakeLookupRows : public LookupRows {
 public:
  const std::vector<json>* rowsFor(const std::string& id, const json& record) const override {
    if (id != "customer") return nullptr;
    rows_ = {};
    if (record.value("customer_id", 0) == 1) rows_ = {json{{"name", "ACME"}}};
    return &rows_;
  }

 private:
  mutable std::vector<json> rows_;
};

StepPipeline pipeline() {
  std::vector<Step> steps;
  steps.push_back(FilterStep{logic(R"({"==":[{"var":"status"},"paid"]})")});
  steps.push_back(LookupStep{"customer", *RecordPath::parse("customer"), false});
  steps.push_back(MapStep{mapping(R"([{"from":"id","to":"id"},
      {"from":"customer.name","to":"customer"},{"from":"amount","to":"total","type":"number"}])")});
  steps.push_back(ImportStep{"dwh", logic(R"({"!=":[{"var":"total"},0]})"),
                             mapping(R"([{"from":"id","to":"order_id"}])")});
  steps.push_back(ImportStep{"file", std::nullopt, std::nullopt});
  return StepPipeline(std::move(steps));
}

TEST(StepPipelineTest, RecordFlowsThroughEveryStep) {
  FakeLookupRows rows;
  auto out = pipeline().run(json::parse(R"({"id":5,"status":"paid","customer_id":1,
                                            "amount":"9.5"})"),
                            &rows);
  EXPECT_FALSE(out.filtered);
  EXPECT_TRUE(out.errors.empty());
  EXPECT_EQ(out.output, json::parse(R"({"id":5,"customer":"ACME","total":9.5})"));
  EXPECT_EQ(out.imports.at("dwh").row, json::parse(R"({"order_id":5})"));
  EXPECT_EQ(out.imports.at("file").row, out.output);  // no mapping: the record as is
}

TEST(StepPipelineTest, FilterDropsAndImportFilterSkips) {
  auto dropped = pipeline().run(json::parse(R"({"id":1,"status":"open"})"), nullptr);
  EXPECT_TRUE(dropped.filtered);
  EXPECT_EQ(*dropped.filteredBy, 0u);
  EXPECT_TRUE(dropped.imports.empty());
  auto skipped = pipeline().run(json::parse(R"({"id":2,"status":"paid","amount":0})"), nullptr);
  EXPECT_TRUE(skipped.imports.at("dwh").skipped);
  EXPECT_FALSE(skipped.imports.at("file").skipped);
  EXPECT_EQ(skipped.lookupsSkipped, std::vector<std::string>{"customer"});
  json preview = previewJson(skipped);
  EXPECT_FALSE(preview["imports"].contains("dwh"));
  EXPECT_TRUE(preview["imports"].contains("file"));
  EXPECT_EQ(preview["lookups"], json::parse(R"({"customer":"skipped"})"));
}

TEST(StepPipelineTest, AStepErrorFailsTheRecordAndNamesTheStep) {
  auto out = pipeline().run(json::parse(R"({"id":3,"status":"paid","amount":"lots"})"), nullptr);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].step, "map");
  EXPECT_EQ(out.errors[0].stepIndex, 2u);
  EXPECT_EQ(out.errors[0].message, "field 'total': 'lots' is not a number");
  EXPECT_TRUE(out.imports.empty());
}

TEST(StepPipelineTest, LookupMergesManyRowsAsArray) {
  json record = {{"id", 1}};
  mergeLookup(record, *RecordPath::parse("lines"), true, {json{{"a", 1}}, json{{"a", 2}}});
  EXPECT_EQ(record["lines"].size(), 2u);
  mergeLookup(record, *RecordPath::parse("first"), false, {});
  EXPECT_TRUE(record["first"].is_null());
}

}  // namespace
}  // namespace ferry::transform
