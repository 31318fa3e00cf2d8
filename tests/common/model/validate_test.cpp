// Validation of fields: through the connector descriptors, secrets, schedules, queries, logic.
#include <gtest/gtest.h>

#include "common/model/validate.h"
#include "tests/common/model/model_test_util.h"

namespace ferry::model {
namespace {

using json = ferry::Json;
using testutil::problemsText;
using testutil::smallDocument;

TEST(ValidateTest, DesignExampleHasNoErrors) {
  Problems problems = validateDefinitions(testutil::designExample());
  EXPECT_FALSE(hasErrors(problems)) << formatProblems(problems);
  // shop-orders is a delta export without delta.key: a warning, not an error.
  EXPECT_EQ(formatProblems(problems),
            "/resources/6/delta: warning: no 'delta.key': rows that share the last watermark "
            "value at a page boundary may be exported again; name a unique column as 'key'\n");
}

TEST(ValidateTest, DesignExampleWithRequiredAgentAndVersion) {
  json doc = testutil::designExample();
  doc["version"] = 3;
  EXPECT_FALSE(hasErrors(validateDefinitions(doc, {.requireAgent = true, .requireVersion = true})));
}

TEST(ValidateTest, SmallDocumentIsClean) {
  EXPECT_EQ(problemsText(smallDocument()), "");
}

TEST(ValidateTest, UnknownAndMissingSettingsGoThroughTheDescriptor) {
  json doc = smallDocument();
  doc["resources"][0]["settings"] = {{"pth", "/x.db"}};
  EXPECT_EQ(problemsText(doc),
            "/resources/0/settings/pth: unknown key 'pth'; did you mean 'path'?\n"
            "/resources/0/settings/path: missing required key 'path'\n");
}

TEST(ValidateTest, UnknownAndMissingResourceFields) {
  json doc = smallDocument();
  doc["resources"][3].erase("format");
  doc["resources"][3]["formt"] = "jsonl";
  EXPECT_EQ(problemsText(doc),
            "/resources/3/formt: unknown key 'formt'; did you mean 'format'?\n"
            "/resources/3/format: missing required key 'format'\n");
}

TEST(ValidateTest, WrongTypesAndValues) {
  json doc = smallDocument();
  doc["resources"][2]["pageSize"] = "500";
  doc["resources"][3]["format"] = "xml";
  doc["resources"][4]["many"] = 1;
  EXPECT_EQ(problemsText(doc),
            "/resources/2/pageSize: 'pageSize' must be integer, got string\n"
            "/resources/3/format: 'xml' is not allowed for 'format'; use one of 'csv', 'jsonl'\n"
            "/resources/4/many: 'many' must be boolean, got integer\n");
}

TEST(ValidateTest, PlainTextSecretIsRejected) {
  json doc = smallDocument();
  doc["resources"][0] = {
      {"kind", "connection"},
      {"id", "db"},
      {"type", "postgresql"},
      {"settings", {{"host", "h"}, {"database", "d"}, {"user", "u"}, {"password", "pw"}}}};
  std::string text = problemsText(doc);
  EXPECT_NE(text.find("/resources/0/settings/password: 'password' is a secret and must be a "
                      "reference {\"$secret\": \"<name>\"}, not plain text"),
            std::string::npos)
      << text;
  doc["resources"][0]["settings"]["password"] = {{"$secret", "db-pw"}};
  EXPECT_EQ(problemsText(doc), "");
}

TEST(ValidateTest, UnknownConnectionTypeSuggestsOne) {
  json doc = smallDocument();
  doc["resources"][0]["type"] = "sqlite3";
  std::string text = problemsText(doc);
  EXPECT_NE(text.find("/resources/0/type: unknown connection type 'sqlite3'; did you mean "
                      "'sqlite'?"),
            std::string::npos)
      << text;
}

TEST(ValidateTest, ExportTypeMustFitTheConnection) {
  json doc = smallDocument();
  doc["resources"][2]["type"] = "file";
  EXPECT_EQ(problemsText(doc),
            "/resources/2/type: 'file' does not fit connection 'db' of type 'sqlite'; use "
            "'query'\n");
}

TEST(ValidateTest, ListenerExportsTakeNoConnection) {
  json doc = smallDocument();
  doc["resources"].push_back({{"kind", "export"},
                              {"id", "hook"},
                              {"type", "listener"},
                              {"connection", "db"},
                              {"listener", {{"path", "/h"}}}});
  EXPECT_EQ(problemsText(doc),
            "/resources/7/connection: listener exports take no connection: records arrive on "
            "the agent's listener port\n");
  doc["resources"][7].erase("connection");
  doc["resources"][7]["listener"]["auth"] = {{"hmacSha256", "plain"}};
  EXPECT_NE(problemsText(doc).find("/resources/7/listener/auth/hmacSha256: 'hmacSha256' is a "
                                   "secret"),
            std::string::npos);
}

TEST(ValidateTest, QueryParametersMustBeProvided) {
  json doc = smallDocument();
  doc["resources"][2]["query"] =
      "SELECT id, at::date, ':nope' AS s FROM t -- :comment\n"
      "WHERE at >= :sinse /* :block */ AND k = :other";
  EXPECT_EQ(problemsText(doc),
            "/resources/2/query: query parameter ':sinse' is not provided; available: :since "
            "(did you mean ':since'?)\n"
            "/resources/2/query: query parameter ':other' is not provided; available: :since\n");
  doc["resources"][2].erase("delta");
  doc["resources"][2]["query"] = "SELECT * FROM t WHERE at >= :since";
  EXPECT_EQ(problemsText(doc),
            "/resources/2/query: query parameter ':since' is not provided; this export "
            "provides none (a delta export provides :since)\n");
}

TEST(ValidateTest, DeltaWithoutKeyIsAWarningOnly) {
  json doc = smallDocument();
  doc["resources"][2]["delta"].erase("key");
  Problems problems = validateDefinitions(doc);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_FALSE(problems[0].isError());
  EXPECT_EQ(problems[0].pointer, "/resources/2/delta");
}

TEST(ValidateTest, FileExportsCannotBeDelta) {
  json doc = smallDocument();
  doc["resources"].push_back({{"kind", "export"},
                              {"id", "csv"},
                              {"connection", "files"},
                              {"type", "file"},
                              {"path", "*.csv"},
                              {"format", "csv"},
                              {"delta", {{"field", "x"}, {"key", "y"}}}});
  EXPECT_EQ(problemsText(doc), "/resources/7/delta: 'file' exports cannot be delta exports\n");
}

TEST(ValidateTest, UpsertNeedsKey) {
  json doc = smallDocument();
  doc["resources"].push_back({{"kind", "import"},
                              {"id", "t"},
                              {"connection", "db"},
                              {"type", "table"},
                              {"table", "t"},
                              {"mode", "upsert"}});
  EXPECT_EQ(problemsText(doc),
            "/resources/7/key: mode 'upsert' needs 'key': the columns that identify a row, "
            "e.g. [\"id\"]\n");
}

TEST(ValidateTest, LookupTableOrQuery) {
  json doc = smallDocument();
  doc["resources"][4]["query"] = "SELECT 1";
  EXPECT_EQ(problemsText(doc), "/resources/4: give 'table' or 'query', not both\n");
  doc["resources"][4].erase("table");
  doc["resources"][4].erase("match");
  doc["resources"][4]["query"] = "SELECT name FROM n WHERE id = :id AND x = :x";
  doc["resources"][4]["params"] = {{"id", "name_id"}};
  EXPECT_EQ(problemsText(doc),
            "/resources/4/query: query parameter ':x' is not provided; available: :id\n");
}

TEST(ValidateTest, InvalidSchedules) {
  json doc = smallDocument();
  doc["resources"][6]["schedule"] = {{"cron", "*/5 * * *"}};
  EXPECT_EQ(problemsText(doc),
            "/resources/6/schedule/cron: cron expression '*/5 * * *' has 4 fields; expected 5 "
            "(min hour day month weekday) or 6 (with seconds first)\n");
  doc["resources"][6]["schedule"] = {{"cron", "0 2 * * *"}, {"timezone", "Europe/Berln"}};
  EXPECT_EQ(problemsText(doc),
            "/resources/6/schedule/timezone: unknown time zone 'Europe/Berln'; did you mean "
            "'Europe/Berlin'?\n");
}

TEST(ValidateTest, InvalidLogicAndMappingAreReportedWithPointers) {
  json doc = smallDocument();
  doc["resources"][6]["steps"] = json::parse(
      R"([{"filter": {"no-such-operator": [1, 2]}}, {"map": "oops"}, {"import": "out"}])");
  doc["resources"][3]["mapping"] = {{"from", "a"}};
  std::string text = problemsText(doc);
  EXPECT_NE(text.find("/resources/6/steps/0/filter"), std::string::npos) << text;
  EXPECT_NE(text.find("/resources/6/steps/1/map: 'map' must be an array of mapping rules"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("/resources/3/mapping: 'mapping' must be an array"), std::string::npos)
      << text;
}

TEST(ValidateTest, EveryProblemIsReportedAtOnce) {
  json doc = smallDocument();
  doc["resources"][0]["settings"]["busyTimeoutMs"] = -1;
  doc["resources"][2]["pageSize"] = 0;
  doc["resources"][6]["schedule"] = {{"every", "5 minutes"}};
  doc["resources"][6]["steps"][1] = {{"import", "ot"}};
  Problems problems = validateDefinitions(doc);
  EXPECT_EQ(problems.size(), 4u) << formatProblems(problems);
}

}  // namespace
}  // namespace ferry::model
