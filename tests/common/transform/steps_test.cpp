#include "common/transform/steps.h"

#include <gtest/gtest.h>

namespace ferry::transform {
namespace {

using json = ferry::Json;

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

TEST(StepPipelineTest, TheOutputCanGoIntoALastPlainImportInsteadOfACopy) {
  FakeLookupRows rows;
  const json input = json::parse(R"({"id":5,"status":"paid","customer_id":1,"amount":"9.5"})");
  ASSERT_TRUE(pipeline().endsInPlainImport());
  auto kept = pipeline().run(input, &rows);
  auto moved = pipeline().run(input, &rows, StepPipeline::Output::kInLastImport);
  EXPECT_FALSE(kept.outputInLastImport);
  EXPECT_TRUE(moved.outputInLastImport);
  EXPECT_TRUE(moved.output.is_null());
  EXPECT_EQ(moved.imports.at("file").row, kept.output);
  EXPECT_EQ(moved.imports.at("dwh").row, kept.imports.at("dwh").row);

  // A dropped record has no rows: nothing moves, nothing is claimed.
  auto dropped = pipeline().run(json::parse(R"({"id":1,"status":"open"})"), nullptr,
                                StepPipeline::Output::kInLastImport);
  EXPECT_TRUE(dropped.filtered);
  EXPECT_FALSE(dropped.outputInLastImport);

  // An import with a mapping last: its row is not the record, so the output stays.
  std::vector<Step> steps;
  steps.push_back(ImportStep{"dwh", std::nullopt, mapping(R"([{"from":"id","to":"order_id"}])")});
  StepPipeline mapped(std::move(steps));
  EXPECT_FALSE(mapped.endsInPlainImport());
  auto out = mapped.run(json{{"id", 7}}, nullptr, StepPipeline::Output::kInLastImport);
  EXPECT_FALSE(out.outputInLastImport);
  EXPECT_EQ(out.output, json({{"id", 7}}));
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

TEST(StepPipelineTest, LookupMergesOneRowOrManyRows) {
  json record = {{"id", 1}};
  EXPECT_TRUE(mergeLookup(record, "lines", true, {json{{"a", 1}}, json{{"a", 2}}}).isOk());
  EXPECT_EQ(record["lines"], json::parse(R"([{"a":1},{"a":2}])"));
  EXPECT_TRUE(mergeLookup(record, "first", false, {json{{"a", 1}}, json{{"a", 2}}}).isOk());
  EXPECT_EQ(record["first"], json::parse(R"({"a":1})"));
  EXPECT_TRUE(mergeLookup(record, "none", false, {}).isOk());
  EXPECT_TRUE(record["none"].is_null());
  EXPECT_TRUE(mergeLookup(record, "empty", true, {}).isOk());
  EXPECT_EQ(record["empty"], json::array());
  EXPECT_TRUE(mergeLookup(record, "extra.customer", false, {json{{"n", "x"}}}).isOk());
  EXPECT_EQ(record["extra"]["customer"]["n"], "x");

  Status blocked = mergeLookup(record, "id.name", false, {json{{"n", "x"}}});
  EXPECT_FALSE(blocked.isOk());
  EXPECT_EQ(blocked.message(), "cannot set 'id.name': a number is in the way");
  json scalar = 5;
  EXPECT_FALSE(mergeLookup(scalar, "x", false, {}).isOk());
  EXPECT_FALSE(mergeLookup(record, "a..b", false, {}).isOk());
}

// Returns the same rows for every record, for any lookup id.
class FixedRows : public LookupRows {
 public:
  explicit FixedRows(std::vector<json> rows) : rows_(std::move(rows)) {}
  const std::vector<json>* rowsFor(const std::string&, const json&) const override {
    return &rows_;
  }

 private:
  std::vector<json> rows_;
};

TEST(StepPipelineTest, LookupManyInsideTheFlowAndABlockedMergeFailsTheRecord) {
  std::vector<Step> steps;
  steps.push_back(LookupStep{"lines", *RecordPath::parse("lines"), true});
  steps.push_back(ImportStep{"count", std::nullopt, mapping(R"([{"expr":{"reduce":[{"var":"lines"},
      {"+":[{"var":"accumulator"},{"var":"current.qty"}]},0]},"to":"qty"}])")});
  StepPipeline p(std::move(steps));
  FixedRows rows({json{{"qty", 2}}, json{{"qty", 3}}});
  json input = {{"id", 1}};
  auto out = p.run(input, &rows);
  ASSERT_TRUE(out.errors.empty()) << out.errors[0].message;
  EXPECT_EQ(out.output["lines"].size(), 2u);
  EXPECT_EQ(out.imports.at("count").row, json::parse(R"({"qty":5})"));
  EXPECT_EQ(input, json::parse(R"({"id":1})")) << "the caller's record is never modified";

  auto blocked = p.run(json::parse(R"({"id":1,"lines":{"x":1}})"), &rows);
  EXPECT_TRUE(blocked.errors.empty()) << "an existing value at `into` is replaced";
  auto notObject = p.run(json::parse("[1,2]"), &rows);
  ASSERT_EQ(notObject.errors.size(), 1u);
  EXPECT_EQ(notObject.errors[0].step, "lookup lines");
  EXPECT_EQ(notObject.errors[0].stepIndex, 0u);
  EXPECT_TRUE(notObject.imports.empty()) << "the import after the failed step did not run";
}

TEST(StepPipelineTest, ErrorsInFiltersAndImportsStopTheRecord) {
  std::vector<Step> steps;
  steps.push_back(ImportStep{"first", std::nullopt, std::nullopt});
  steps.push_back(FilterStep{logic(R"({"!=":[{"/":[1,{"var":"b"}]},0]})")});
  steps.push_back(ImportStep{"checked", logic(R"({"<":[{"*":[{"var":"a"},1]},100]})"),
                             mapping(R"([{"from":"a","to":"a","type":"integer"}])")});
  steps.push_back(ImportStep{"last", std::nullopt, std::nullopt});
  StepPipeline p(std::move(steps));

  auto divByZero = p.run(json::parse(R"({"a":5,"b":0})"), nullptr);
  ASSERT_EQ(divByZero.errors.size(), 1u);
  EXPECT_EQ(divByZero.errors[0].step, "filter");
  EXPECT_EQ(divByZero.errors[0].stepIndex, 1u);
  EXPECT_EQ(divByZero.errors[0].message, "JSON Logic '/': division by zero");
  EXPECT_FALSE(divByZero.filtered);
  EXPECT_TRUE(divByZero.failed());
  EXPECT_TRUE(divByZero.imports.count("first")) << "imports before the failing step keep rows";
  EXPECT_FALSE(divByZero.imports.count("last"));

  auto badImportFilter = p.run(json::parse(R"({"a":"x5","b":1})"), nullptr);
  ASSERT_EQ(badImportFilter.errors.size(), 1u);
  EXPECT_EQ(badImportFilter.errors[0].step, "import checked");
  EXPECT_EQ(badImportFilter.errors[0].message, "JSON Logic '*': \"x5\" is not a number");

  auto badImportMapping = p.run(json::parse(R"({"a":"2.5","b":1})"), nullptr);
  ASSERT_EQ(badImportMapping.errors.size(), 1u);
  EXPECT_EQ(badImportMapping.errors[0].step, "import checked");
  EXPECT_EQ(badImportMapping.errors[0].message, "field 'a': '2.5' is not an integer");
  json preview = previewJson(badImportMapping);
  EXPECT_EQ(preview["errors"], json::parse(R"([{"step":"import checked","stepIndex":2,
                                               "message":"field 'a': '2.5' is not an integer"}])"));

  auto fine = p.run(json::parse(R"({"a":"7","b":1})"), nullptr);
  EXPECT_TRUE(fine.errors.empty());
  EXPECT_EQ(fine.imports.at("checked").row, json::parse(R"({"a":7})"));
  EXPECT_EQ(fine.imports.size(), 3u);
}

TEST(StepPipelineTest, FilteredRecordsHaveNoOutputInPreview) {
  auto dropped = pipeline().run(json::parse(R"({"id":1,"status":"open"})"), nullptr);
  json preview = previewJson(dropped);
  EXPECT_EQ(preview["filtered"], true);
  EXPECT_TRUE(preview["output"].is_null());
  EXPECT_EQ(preview["imports"], json::object());
  EXPECT_EQ(preview["errors"], json::array());
}

}  // namespace
}  // namespace ferry::transform
