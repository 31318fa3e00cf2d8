// Validation of the document shape, ids and references between resources.
#include <gtest/gtest.h>

#include "common/model/validate.h"
#include "tests/common/model/model_test_util.h"

namespace ferry::model {
namespace {

using json = ferry::Json;
using testutil::problemsText;
using testutil::smallDocument;

TEST(ValidateReferencesTest, DanglingStepReferenceSuggestsTheClosestId) {
  json doc = testutil::designExample();
  doc["resources"][13]["steps"][3] = {{"import", "orders-dwh"}};
  EXPECT_EQ(problemsText(doc).substr(problemsText(doc).find('\n') + 1),
            "/resources/13/steps/3/import: no import with id 'orders-dwh'; did you mean "
            "'orders-to-dwh'?\n");
}

TEST(ValidateReferencesTest, StepNamingAResourceOfTheWrongKind) {
  json doc = smallDocument();
  doc["resources"][6]["steps"][0] = {{"lookup", "out"}};
  EXPECT_EQ(problemsText(doc),
            "/resources/6/steps/0/lookup: 'out' is an import (/resources/3), not a lookup\n");
}

TEST(ValidateReferencesTest, SourcesConnectionsAndIntegrationsMustExist) {
  json doc = smallDocument();
  doc["resources"][6]["sources"] = {"rows", "names"};
  doc["resources"][3]["connection"] = "filez";
  doc["resources"][6]["integration"] = "nope";
  EXPECT_EQ(problemsText(doc),
            "/resources/3/connection: no connection with id 'filez'; did you mean 'files'?\n"
            "/resources/6/sources/1: 'names' is a lookup (/resources/4), not an export\n"
            "/resources/6/integration: no integration with id 'nope'\n");
}

TEST(ValidateReferencesTest, BadAndDuplicateIds) {
  json doc = smallDocument();
  doc["resources"][3]["id"] = "Out File";
  doc["resources"].push_back({{"kind", "integration"}, {"id", "app"}});
  // The same id in two kinds is fine: ids are unique per kind.
  doc["resources"].push_back({{"kind", "integration"}, {"id", "rows"}});
  EXPECT_EQ(problemsText(doc),
            "/resources/3/id: 'Out File' is not a valid id: use 1-64 lowercase letters, digits, "
            "'-', '_' and '.', starting with a letter or digit\n"
            "/resources/7/id: duplicate integration id 'app' (also at /resources/5); ids are "
            "unique per kind\n"
            "/resources/6/steps/1/import: no import with id 'out'\n");
}

TEST(ValidateReferencesTest, IdRules) {
  EXPECT_TRUE(isValidId("a"));
  EXPECT_TRUE(isValidId("orders-to-dwh_2.v1"));
  EXPECT_TRUE(isValidId(std::string(64, 'a')));
  EXPECT_FALSE(isValidId(std::string(65, 'a')));
  EXPECT_FALSE(isValidId(""));
  EXPECT_FALSE(isValidId("-a"));
  EXPECT_FALSE(isValidId("A"));
  EXPECT_FALSE(isValidId("a b"));
}

TEST(ValidateReferencesTest, KindsAndResourceShapes) {
  json doc = smallDocument();
  doc["resources"].push_back({{"kind", "flw"}, {"id", "x"}});
  doc["resources"].push_back({{"id", "y"}});
  doc["resources"].push_back(42);
  EXPECT_EQ(problemsText(doc),
            "/resources/7/kind: unknown kind \"flw\"; did you mean 'flow'?\n"
            "/resources/8/kind: missing required key 'kind' (one of connection, export, import, "
            "lookup, flow, integration)\n"
            "/resources/9: a resource must be an object with 'kind' and 'id'\n");
}

TEST(ValidateReferencesTest, UnknownStepAndStepShape) {
  json doc = smallDocument();
  doc["resources"][6]["steps"] =
      json::parse(R"([{"imprt": "out"}, {"import": "out", "lookup": "names"}, "x"])");
  EXPECT_EQ(problemsText(doc),
            "/resources/6/steps/0/imprt: unknown step 'imprt'; did you mean 'import'?\n"
            "/resources/6/steps/1: a step is an object with one key: {\"filter\": …}, "
            "{\"lookup\": id}, {\"map\": […]} or {\"import\": id}\n"
            "/resources/6/steps/2: a step is an object with one key: {\"filter\": …}, "
            "{\"lookup\": id}, {\"map\": […]} or {\"import\": id}\n");
}

TEST(ValidateReferencesTest, FlowWithoutImportGetsAWarning) {
  json doc = smallDocument();
  doc["resources"][6]["steps"] = json::array();
  Problems problems = validateDefinitions(doc);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].toString(),
            "/resources/6/steps: warning: no import step: records are read but written nowhere");
}

TEST(ValidateReferencesTest, AgentRequiredOnlyWhenAsked) {
  json doc = smallDocument();
  EXPECT_EQ(problemsText(doc, {.requireAgent = true}),
            "/resources/6/agent: missing required key 'agent': the controller needs to know "
            "which agent runs the flow\n");
  doc["resources"][6]["agent"] = "plant-1";
  EXPECT_EQ(problemsText(doc, {.requireAgent = true}), "");
  doc["resources"][6]["agent"] = "Plant 1";
  EXPECT_EQ(problemsText(doc), "/resources/6/agent: 'Plant 1' is not a valid agent id\n");
}

TEST(ValidateReferencesTest, DocumentEnvelope) {
  EXPECT_EQ(problemsText(json::array()),
            "/: a definitions document must be an object: {\"resources\": […]}\n");
  EXPECT_EQ(problemsText(json::object()), "/resources: missing required key 'resources'\n");
  EXPECT_EQ(problemsText({{"resources", json::array()}, {"versoin", 1}}),
            "/versoin: unknown key 'versoin'; did you mean 'version'?\n");
  EXPECT_EQ(problemsText({{"resources", json::array()}, {"version", -1}}),
            "/version: 'version' must be a whole number (0 or more)\n");
  EXPECT_EQ(problemsText({{"resources", json::array()}}, {.requireVersion = true}),
            "/version: missing required key 'version' (a desired-state document is versioned)\n");
  EXPECT_EQ(problemsText({{"resources", json::array()}, {"version", 7}}, {.requireVersion = true}),
            "");
}

}  // namespace
}  // namespace ferry::model
