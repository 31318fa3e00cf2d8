// Integrations and resources: CRUD, versions, ETag/If-Match, validation in context, history.
#include <gtest/gtest.h>

#include <set>

#include "tests/controller/api/api_fixture.h"

namespace ferry::controller::api::testing {
namespace {

using ResourcesTest = ApiTest;

const ferry::Json kConnection = {{"kind", "connection"},
                                 {"id", "dwh"},
                                 {"type", "sqlite"},
                                 {"settings", {{"path", "/data/dwh.db"}}}};

TEST_F(ResourcesTest, PutCreatesThenReplacesAndEachWriteBumpsTheVersion) {
  Reply created = put("/api/v1/resources/connection/dwh", kConnection);
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.header("etag"), "\"1\"");
  EXPECT_EQ(created.header("location"), "/api/v1/resources/connection/dwh");
  EXPECT_EQ(created.body["version"], 1);
  EXPECT_EQ(created.body["resource"], kConnection);
  ferry::Json changed = kConnection;
  changed["settings"]["path"] = "/data/other.db";
  Reply replaced = put("/api/v1/resources/connection/dwh", changed);
  ASSERT_EQ(replaced.status, 200) << replaced.text;
  EXPECT_EQ(replaced.header("etag"), "\"2\"");
  Reply got = get("/api/v1/resources/connection/dwh");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.header("etag"), "\"2\"");
  EXPECT_EQ(got.body["resource"]["settings"]["path"], "/data/other.db");
}

TEST_F(ResourcesTest, KindAndIdComeFromTheUrlAndMustAgreeWithTheBody) {
  Reply r = put("/api/v1/resources/connection/dwh",
                {{"type", "sqlite"}, {"settings", {{"path", "/x.db"}}}});
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["resource"]["kind"], "connection");
  EXPECT_EQ(r.body["resource"]["id"], "dwh");
  Reply clash = put("/api/v1/resources/connection/dwh", {{"kind", "export"}, {"id", "other"}});
  expectProblem(clash, 422);
  ASSERT_EQ(clash.body["errors"].size(), 2u);
  EXPECT_EQ(clash.body["errors"][0]["pointer"], "/kind");
  EXPECT_EQ(clash.body["errors"][1]["pointer"], "/id");
  expectProblem(put("/api/v1/resources/widget/x", kConnection), 404);
}

TEST_F(ResourcesTest, IfMatchGuardsWritesWith412) {
  ASSERT_EQ(put("/api/v1/resources/connection/dwh", kConnection).status, 201);
  ferry::Json changed = kConnection;
  changed["settings"]["path"] = "/data/b.db";
  Reply ok = put("/api/v1/resources/connection/dwh", changed, {{"If-Match", "\"1\""}});
  EXPECT_EQ(ok.status, 200) << ok.text;
  Reply stale = put("/api/v1/resources/connection/dwh", kConnection, {{"If-Match", "\"1\""}});
  expectProblem(stale, 412);
  expectProblem(call("DELETE", "/api/v1/resources/connection/dwh", "", {{"If-Match", "\"1\""}}),
                412);
  ferry::Json anonymous = kConnection;
  anonymous.erase("id");
  expectProblem(put("/api/v1/resources/connection/new", anonymous, {{"If-Match", "*"}}), 412);
  expectProblem(put("/api/v1/resources/connection/dwh", kConnection, {{"If-Match", "2"}}), 400);
  EXPECT_EQ(put("/api/v1/resources/connection/dwh", kConnection, {{"If-Match", "*"}}).status, 200);
  Reply del = call("DELETE", "/api/v1/resources/connection/dwh", "", {{"If-Match", "\"3\""}});
  EXPECT_EQ(del.status, 204) << del.text;
  EXPECT_EQ(del.header("etag"), "\"4\"");
  expectProblem(get("/api/v1/resources/connection/dwh"), 404);
}

TEST_F(ResourcesTest, InvalidResourceIs422WithEveryProblemsPointer) {
  Reply r = put("/api/v1/resources/export/rows",
                {{"connection", "missing"}, {"type", "query"}, {"pageSize", "big"}});
  expectProblem(r, 422);
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/connection", "/pageSize"})) << r.text;
  // With its connection known, the connector's own fields are checked too.
  ASSERT_EQ(put("/api/v1/resources/connection/dwh", kConnection).status, 201);
  Reply fields = put("/api/v1/resources/export/rows",
                     {{"connection", "dwh"}, {"type", "query"}, {"bogus", 1}});
  expectProblem(fields, 422);
  pointers.clear();
  for (const auto& e : fields.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_TRUE(pointers.count("/bogus")) << fields.text;
  EXPECT_TRUE(pointers.count("/query")) << fields.text;
  expectProblem(get("/api/v1/resources/export/rows"), 404);  // nothing stored
}

TEST_F(ResourcesTest, FlowsMustNameTheirAgent) {
  seedDefinitions("erp", "plant-1");
  ferry::Json flow = get("/api/v1/resources/flow/orders").body["resource"];
  flow.erase("agent");
  Reply r = put("/api/v1/resources/flow/orders", flow);
  expectProblem(r, 422);
  EXPECT_EQ(r.body["errors"][0]["pointer"], "/agent");
}

TEST_F(ResourcesTest, ChangesThatBreakOtherResourcesAre409) {
  seedDefinitions("erp", "plant-1");
  Reply del = call("DELETE", "/api/v1/resources/connection/erp-src");
  expectProblem(del, 409);
  ASSERT_EQ(del.body["errors"].size(), 1u);
  EXPECT_NE(del.body["errors"][0]["detail"].get<std::string>().find("export 'erp-rows'"),
            std::string::npos)
      << del.text;
  // Turning the source into an http connection makes the query export invalid.
  Reply retype = put("/api/v1/resources/connection/erp-src",
                     {{"type", "http"}, {"settings", {{"baseUrl", "https://x.test"}}}});
  expectProblem(retype, 409);
  expectProblem(call("DELETE", "/api/v1/integrations/erp"), 409);
}

TEST_F(ResourcesTest, PostCreatesOnlyAndListFiltersByKindAndIntegration) {
  Reply created = post("/api/v1/resources", kConnection);
  EXPECT_EQ(created.status, 201) << created.text;
  expectProblem(post("/api/v1/resources", kConnection), 409);
  Reply noKind = post("/api/v1/resources", {{"id", "x"}});
  expectProblem(noKind, 422);
  EXPECT_EQ(noKind.body["errors"][0]["pointer"], "/kind");
  seedDefinitions("erp", "plant-1");
  seedDefinitions("crm", "plant-1", "contacts");
  auto ids = [](const Reply& r) {
    std::set<std::string> out;
    for (const auto& item : r.body["items"]) out.insert(item["id"]);
    return out;
  };
  EXPECT_EQ(ids(get("/api/v1/resources?kind=flow")), (std::set<std::string>{"contacts", "orders"}));
  EXPECT_EQ(ids(get("/api/v1/resources?kind=flow&integration=erp")),
            (std::set<std::string>{"orders"}));
  EXPECT_EQ(ids(get("/api/v1/resources?integration=crm")),
            (std::set<std::string>{"crm-dst", "crm-out", "crm-rows", "contacts"}));
  expectProblem(get("/api/v1/resources?kind=widget"), 400);
}

TEST_F(ResourcesTest, HistoryKeepsEveryVersionIncludingTheDelete) {
  ASSERT_EQ(put("/api/v1/resources/connection/dwh", kConnection).status, 201);
  ferry::Json changed = kConnection;
  changed["settings"]["path"] = "/data/b.db";
  ASSERT_EQ(put("/api/v1/resources/connection/dwh", changed).status, 200);
  ASSERT_EQ(call("DELETE", "/api/v1/resources/connection/dwh").status, 204);
  Reply history = get("/api/v1/resources/connection/dwh/history");
  ASSERT_EQ(history.status, 200) << history.text;
  ASSERT_EQ(history.body["items"].size(), 3u);
  EXPECT_EQ(history.body["items"][0]["resource"]["settings"]["path"], "/data/dwh.db");
  EXPECT_EQ(history.body["items"][1]["resource"]["settings"]["path"], "/data/b.db");
  EXPECT_EQ(history.body["items"][2]["deleted"], true);
  EXPECT_TRUE(history.body["items"][2]["resource"].is_null());
  expectProblem(get("/api/v1/resources/connection/never/history"), 404);
}

TEST_F(ResourcesTest, IntegrationsHaveTheirOwnRoutesAndListTheirFlows) {
  Reply created = post("/api/v1/integrations", {{"id", "erp"}, {"name", "ERP to warehouse"}});
  ASSERT_EQ(created.status, 201) << created.text;
  EXPECT_EQ(created.header("location"), "/api/v1/integrations/erp");
  expectProblem(post("/api/v1/integrations", {{"name", "no id"}}), 422);
  seedDefinitions("erp", "plant-1");
  Reply got = get("/api/v1/integrations/erp");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body["flows"], ferry::Json::array({"orders"}));
  EXPECT_EQ(got.body["resource"]["name"], "Integration erp");  // seedDefinitions replaced it
  EXPECT_EQ(got.header("etag"), "\"2\"");
  Reply list = get("/api/v1/integrations");
  ASSERT_EQ(list.body["items"].size(), 1u);
  Reply history = get("/api/v1/integrations/erp/history");
  EXPECT_EQ(history.body["items"].size(), 2u);
  Reply bad = put("/api/v1/integrations/erp", {{"name", 5}});
  expectProblem(bad, 422);
  EXPECT_EQ(bad.body["errors"][0]["pointer"], "/name");
}

}  // namespace
}  // namespace ferry::controller::api::testing
