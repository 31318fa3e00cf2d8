#include "common/model/definitions.h"

#include <gtest/gtest.h>

#include "tests/common/model/model_test_util.h"

namespace ferry::model {
namespace {

using json = ferry::Json;

Definitions parse(const json& doc) {
  auto r = parseDefinitions(doc);
  EXPECT_TRUE(r.isOk()) << r.status().message();
  return r.isOk() ? std::move(r).value() : Definitions{};
}

TEST(DefinitionsTest, DesignExampleParsesIntoTypedResources) {
  Definitions d = parse(testutil::designExample());
  EXPECT_EQ(d.size(), 14u);
  EXPECT_EQ(d.connections.size(), 4u);
  EXPECT_EQ(d.exports.size(), 4u);
  const Export* orders = d.findExport("changed-orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ(orders->type, "query");
  ASSERT_TRUE(orders->delta.has_value());
  EXPECT_EQ(orders->delta->key, "id");
  EXPECT_EQ(orders->pageSize, 500);
  EXPECT_EQ(orders->options.at("query").get<std::string>().substr(0, 8), "SELECT *");
  const Export* hook = d.findExport("order-events");
  ASSERT_NE(hook, nullptr);
  EXPECT_EQ(hook->connection, "");
  EXPECT_EQ(hook->options["listener"]["auth"]["header"], "X-Signature");
  const Flow* flow = d.findFlow("orders-to-dwh");
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->agent, "plant-1");
  ASSERT_EQ(flow->steps.size(), 5u);
  EXPECT_EQ(flow->steps[0].type, Step::Type::kFilter);
  EXPECT_EQ(flow->steps[1].type, Step::Type::kLookup);
  EXPECT_EQ(flow->steps[1].ref, "customer");
  EXPECT_EQ(flow->steps[2].type, Step::Type::kMap);
  EXPECT_EQ(flow->steps[4].ref, "orders-file");
  ASSERT_TRUE(flow->schedule.has_value());
  EXPECT_EQ(flow->schedule->zone().name(), "Europe/Berlin");
  EXPECT_EQ(d.findIntegration("erp-to-dwh")->name, "ERP to warehouse");
  EXPECT_EQ(d.findImport("orders-to-shop")->options["method"], "POST");
  EXPECT_FALSE(d.findLookup("customer")->many);
}

TEST(DefinitionsTest, DefaultsAreFilledIn) {
  Definitions d = parse(testutil::smallDocument());
  EXPECT_EQ(d.findConnection("db")->settings["busyTimeoutMs"], 5000);
  EXPECT_EQ(d.findExport("rows")->pageSize, 500);
  json doc = testutil::designExample();
  Definitions design = parse(doc);
  EXPECT_EQ(design.findImport("orders-to-dwh")->options["mode"], "upsert");
  EXPECT_EQ(design.findConnection("erp")->settings["sslmode"], "prefer");
}

TEST(DefinitionsTest, RoundTripIsStable) {
  Definitions first = parse(testutil::designExample());
  json canonical = toJson(first);
  Definitions second = parse(canonical);
  EXPECT_EQ(toJson(second), canonical);
  EXPECT_EQ(first.contentHash, second.contentHash);
  EXPECT_EQ(first.contentHash.size(), 64u);
  for (std::size_t i = 0; i < first.exports.size(); ++i) {
    EXPECT_EQ(first.exports[i].contentHash, second.exports[i].contentHash);
  }
  EXPECT_EQ(first.flows[0].contentHash, second.flows[0].contentHash);
}

TEST(DefinitionsTest, KeyOrderResourceOrderAndExplicitDefaultsDoNotChangeTheHash) {
  std::string a = R"({"resources": [
    {"kind": "connection", "id": "db", "type": "sqlite", "settings": {"path": "/x.db"}},
    {"kind": "integration", "id": "app"}]})";
  std::string b = R"({"resources": [
    {"id": "app", "kind": "integration"},
    {"settings": {"busyTimeoutMs": 5000, "path": "/x.db"}, "type": "sqlite", "id": "db",
     "kind": "connection"}]})";
  Definitions da = parse(json::parse(a));
  Definitions db = parse(json::parse(b));
  EXPECT_EQ(da.contentHash, db.contentHash);
  EXPECT_EQ(da.connections[0].contentHash, db.connections[0].contentHash);
  EXPECT_EQ(canonicalText(toJson(da)), canonicalText(toJson(db)));
}

TEST(DefinitionsTest, AChangeChangesOnlyThatResourcesHash) {
  json doc = testutil::smallDocument();
  Definitions before = parse(doc);
  doc["resources"][2]["query"] = "SELECT * FROM t WHERE at >= :since ORDER BY at";
  Definitions after = parse(doc);
  EXPECT_NE(before.contentHash, after.contentHash);
  EXPECT_NE(before.findExport("rows")->contentHash, after.findExport("rows")->contentHash);
  EXPECT_EQ(before.findFlow("copy")->contentHash, after.findFlow("copy")->contentHash);
  EXPECT_EQ(before.findConnection("db")->contentHash, after.findConnection("db")->contentHash);
}

TEST(DefinitionsTest, VersionIsKeptButNotHashed) {
  json doc = testutil::smallDocument();
  Definitions unversioned = parse(doc);
  doc["version"] = 12;
  Definitions versioned = parse(doc);
  EXPECT_EQ(versioned.version, 12);
  EXPECT_EQ(toJson(versioned)["version"], 12);
  EXPECT_EQ(unversioned.contentHash, versioned.contentHash);
}

TEST(DefinitionsTest, InvalidDocumentListsEveryErrorAndKeepsWarnings) {
  json doc = testutil::smallDocument();
  doc["resources"][2]["delta"].erase("key");
  doc["resources"][2]["pageSize"] = 0;
  doc["resources"][3]["format"] = 1;
  Problems problems;
  auto r = parseDefinitions(doc, {}, &problems);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "/resources/2/pageSize: 'pageSize' must be at least 1\n"
            "/resources/3/format: 'format' must be string, got integer");
  EXPECT_EQ(problems.size(), 3u);
}

TEST(DefinitionsTest, Sha256KnownAnswer) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace ferry::model
