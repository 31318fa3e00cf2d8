// http lookups: one GET per distinct parameter set of a page, rows keyed by the record's
// values, 404 as "no rows", other 4xx as per-record failures, 5xx as retry later.
#include <gtest/gtest.h>

#include "agent/connectors/http/http_connector.h"
#include "tests/agent/connectors/http/http_test_util.h"
#include "tests/agent/connectors/http/test_http_server.h"

namespace ferry::agent::connectors::http {
namespace {

using json = ferry::Json;
using testing::ScriptedHttpServer;
using testing::ScriptedReply;
using testing::SeenRequest;
using namespace testutil;

// GET /customers?id=<n>&region=<r>: {"result": [{"name": "c<n>-<r>"}]}; id 404 is unknown,
// id 400 is refused.
ScriptedReply customers(const SeenRequest& r) {
  const std::string id = r.query.at("id");
  if (id == "404") return {404, R"({"error":"no such customer"})", {}, {}};
  if (id == "400") return {400, R"({"error":"bad id"})", {}, {}};
  if (id == "503") return {503, "", {{"Retry-After", "3"}}, {}};
  json rows = json::array({{{"name", "c" + id + "-" + r.query.at("region")}}});
  return {200, json({{"result", rows}}).dump(), {}, {}};
}

std::unique_ptr<LookupSource> openLookup(const json& settings) {
  auto lookup = httpConnectorImpl().openLookup(
      parseConnection(settings),
      parseLookup(settings, {{"path", "/customers"},
                             {"params", {{"id", "customer.id"}, {"region", "region"}}},
                             {"records", "result"}}),
      {});
  EXPECT_TRUE(lookup.isOk()) << lookup.status().toString();
  return lookup.isOk() ? std::move(*lookup) : nullptr;
}

json record(const json& id, const std::string& region) {
  return {{"customer", {{"id", id}}}, {"region", region}};
}

TEST(HttpLookupTest, FetchesEachDistinctParameterSetOnce) {
  ScriptedHttpServer server(customers);
  auto lookup = openLookup({{"baseUrl", server.baseUrl()}});
  const std::vector<json> page = {
      record(1, "eu"), record(2, "eu"), record(1, "eu"), record(1, "us"), {{"region", "eu"}}};
  auto fetched = lookup->fetch(page);
  ASSERT_TRUE(fetched.outcome.ok()) << fetched.outcome.status.toString();
  EXPECT_TRUE(fetched.failures.empty());
  ASSERT_NE(fetched.rows, nullptr);
  EXPECT_EQ(server.requests().size(), 3u);  // (1,eu), (2,eu), (1,us)

  auto rows = fetched.rows->rowsFor("customer", page[2]);
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(*rows, std::vector<json>({{{"name", "c1-eu"}}}));
  EXPECT_EQ(*fetched.rows->rowsFor("customer", page[3]), std::vector<json>({{{"name", "c1-us"}}}));
  // No customer.id: no request, no rows.
  ASSERT_NE(fetched.rows->rowsFor("customer", page[4]), nullptr);
  EXPECT_TRUE(fetched.rows->rowsFor("customer", page[4])->empty());
  EXPECT_EQ(fetched.rows->rowsFor("other-lookup", page[0]), nullptr);
}

TEST(HttpLookupTest, NotFoundIsNoRowsAndOther4xxFailTheirRecords) {
  ScriptedHttpServer server(customers);
  auto lookup = openLookup({{"baseUrl", server.baseUrl()}});
  const std::vector<json> page = {record(404, "eu"), record(400, "eu"), record(7, "eu"),
                                  record(400, "eu")};
  auto fetched = lookup->fetch(page);
  ASSERT_TRUE(fetched.outcome.ok());
  ASSERT_EQ(fetched.failures.size(), 2u);
  EXPECT_EQ(fetched.failures[0].index, 1u);
  EXPECT_EQ(fetched.failures[1].index, 3u);
  EXPECT_EQ(fetched.failures[0].message, "HTTP 400 from GET /customers: {\"error\":\"bad id\"}");
  EXPECT_TRUE(fetched.rows->rowsFor("customer", page[0])->empty());
  EXPECT_EQ(fetched.rows->rowsFor("customer", page[2])->size(), 1u);
}

TEST(HttpLookupTest, AServerErrorMakesTheWholeFetchRetryLater) {
  ScriptedHttpServer server(customers);
  auto lookup = openLookup({{"baseUrl", server.baseUrl()}});
  auto fetched = lookup->fetch({record(1, "eu"), record(503, "eu")});
  EXPECT_TRUE(fetched.outcome.shouldRetry());
  EXPECT_EQ(fetched.outcome.retryAfter, std::chrono::milliseconds(3000));
  EXPECT_EQ(fetched.rows, nullptr);
}

TEST(HttpLookupTest, AnObjectResultIsOneRow) {
  ScriptedHttpServer server([](const SeenRequest&) {
    return ScriptedReply{200, R"({"name":"ACME","tier":"gold"})", {}, {}};
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto lookup = httpConnectorImpl().openLookup(
      parseConnection(settings),
      parseLookup(settings, {{"path", "/customers/one"}, {"params", {{"id", "id"}}}}), {});
  ASSERT_TRUE(lookup.isOk());
  auto fetched = (*lookup)->fetch({{{"id", "a b&c"}}});
  ASSERT_TRUE(fetched.outcome.ok());
  EXPECT_EQ(*fetched.rows->rowsFor("customer", {{"id", "a b&c"}}),
            std::vector<json>({{{"name", "ACME"}, {"tier", "gold"}}}));
  EXPECT_EQ(server.requests()[0].query.at("id"), "a b&c");
}

}  // namespace
}  // namespace ferry::agent::connectors::http
