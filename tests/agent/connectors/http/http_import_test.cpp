// http imports: one request per row with a stable Idempotency-Key, batches, per-record
// failures for 4xx, and a page that stops on a retryable answer and is sent again.
#include <gtest/gtest.h>

#include "agent/connectors/http/http_connector.h"
#include "agent/connectors/http/http_destination.h"
#include "common/model/definitions.h"
#include "tests/agent/connectors/http/http_test_util.h"
#include "tests/agent/connectors/http/test_http_server.h"

namespace ferry::agent::connectors::http {
namespace {

using json = ferry::Json;
using testing::ScriptedHttpServer;
using testing::ScriptedReply;
using testing::SeenRequest;
using namespace testutil;

const PageId kPage{"6f1c2d9e-0000-4000-8000-000000000001", "orders-flow", "push", "orders", 42};

std::vector<json> rows(int n) {
  std::vector<json> out;
  for (int i = 0; i < n; ++i) out.push_back({{"ref", "r" + std::to_string(i)}});
  return out;
}

std::unique_ptr<Destination> openDestination(const json& settings, const json& fields) {
  auto d = httpConnectorImpl().openDestination(parseConnection(settings),
                                               parseImport(settings, fields), {});
  EXPECT_TRUE(d.isOk()) << d.status().toString();
  return d.isOk() ? std::move(*d) : nullptr;
}

TEST(HttpImportTest, EachRowIsOneRequestWithItsIdempotencyKey) {
  ScriptedHttpServer server([](const SeenRequest&) { return ScriptedReply{201, "", {}, {}}; });
  json settings = {{"baseUrl", server.baseUrl() + "/api"}};
  auto destination = openDestination(settings, {{"path", "/orders"}});
  PageWrite written = destination->write(kPage, rows(3));
  ASSERT_TRUE(written.outcome.ok()) << written.outcome.status.toString();
  EXPECT_TRUE(written.failures.empty());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].method, "POST");
    EXPECT_EQ(seen[i].path, "/api/orders");
    EXPECT_EQ(seen[i].header("content-type"), "application/json");
    EXPECT_EQ(json::parse(seen[i].body), rows(3)[i]);
    EXPECT_EQ(seen[i].header("idempotency-key"),
              model::sha256Hex("6f1c2d9e-0000-4000-8000-000000000001/orders-flow/push/orders/42/" +
                               std::to_string(i)));
  }
  EXPECT_EQ(seen[0].header("idempotency-key").size(), 64u);
  EXPECT_NE(seen[0].header("idempotency-key"), seen[1].header("idempotency-key"));
}

TEST(HttpImportTest, RejectedRowsFailWithStatusAndExcerptWhileTheOthersGoOn) {
  ScriptedHttpServer server([](const SeenRequest& r) {
    if (json::parse(r.body)["ref"] == "r1") {
      return ScriptedReply{422, R"({"error":"ref r1 is taken"})", {}, {}};
    }
    if (json::parse(r.body)["ref"] == "r2") {
      return ScriptedReply{400, std::string(1000, 'z'), {}, {}};
    }
    return ScriptedReply{200, "{}", {}, {}};
  });
  auto destination = openDestination({{"baseUrl", server.baseUrl()}}, {{"path", "/orders"}});
  PageWrite written = destination->write(kPage, rows(4));
  ASSERT_TRUE(written.outcome.ok());
  ASSERT_EQ(written.failures.size(), 2u);
  EXPECT_EQ(written.failures[0].index, 1u);
  EXPECT_EQ(written.failures[0].message,
            "HTTP 422 from POST /orders: {\"error\":\"ref r1 is taken\"}");
  EXPECT_EQ(written.failures[1].index, 2u);
  EXPECT_EQ(written.failures[1].message,
            "HTTP 400 from POST /orders: " + std::string(300, 'z') + "…");
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(HttpImportTest, ARetryableAnswerStopsThePageAndTheResendKeepsTheKeys) {
  int calls = 0;
  ScriptedHttpServer server([&calls](const SeenRequest&) {
    ++calls;
    if (calls == 3) return ScriptedReply{503, "busy", {{"Retry-After", "2"}}, {}};
    return ScriptedReply{200, "{}", {}, {}};
  });
  auto destination = openDestination({{"baseUrl", server.baseUrl()}}, {{"path", "/orders"}});
  PageWrite first = destination->write(kPage, rows(4));
  EXPECT_TRUE(first.outcome.shouldRetry());
  EXPECT_EQ(first.outcome.retryAfter, std::chrono::milliseconds(2000));
  EXPECT_EQ(first.outcome.status.message(), "HTTP 503 from POST /orders: busy");
  EXPECT_TRUE(first.failures.empty());
  ASSERT_EQ(server.requests().size(), 3u);  // row 3 was not sent

  PageWrite again = destination->write(kPage, rows(4));
  ASSERT_TRUE(again.outcome.ok());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 7u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].header("idempotency-key"), seen[3 + i].header("idempotency-key")) << i;
    EXPECT_EQ(seen[i].body, seen[3 + i].body);
  }
  EXPECT_EQ(seen[6].header("idempotency-key"), idempotencyKey(kPage, "3"));
}

TEST(HttpImportTest, ABatchIsOneArrayWithTheBatchKey) {
  ScriptedHttpServer server([](const SeenRequest& r) {
    if (r.path == "/bad") return ScriptedReply{400, R"({"error":"row 2 invalid"})", {}, {}};
    return ScriptedReply{202, "", {}, {}};
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto good = openDestination(settings, {{"path", "/orders"},
                                         {"method", "PUT"},
                                         {"batch", true},
                                         {"headers", {{"X-Source", "ferry"}}}});
  PageWrite written = good->write(kPage, rows(3));
  ASSERT_TRUE(written.outcome.ok());
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "PUT");
  EXPECT_EQ(json::parse(seen[0].body), json(rows(3)));
  EXPECT_EQ(seen[0].header("idempotency-key"), idempotencyKey(kPage, "batch"));
  EXPECT_EQ(seen[0].header("x-source"), "ferry");

  auto bad = openDestination(settings, {{"path", "/bad"}, {"batch", true}});
  PageWrite rejected = bad->write(kPage, rows(3));
  ASSERT_TRUE(rejected.outcome.ok());
  ASSERT_EQ(rejected.failures.size(), 3u);
  EXPECT_EQ(rejected.failures[2].index, 2u);
  EXPECT_NE(rejected.failures[2].message.find("HTTP 400 from POST /bad"), std::string::npos);

  EXPECT_TRUE(bad->write(kPage, {}).outcome.ok());  // nothing to send, nothing sent
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpImportTest, PatchGoesToThePathAndRedirectsAreFatal) {
  ScriptedHttpServer server([](const SeenRequest& r) {
    if (r.method == "PATCH") return ScriptedReply{204, "", {}, {}};
    return ScriptedReply{301, "", {{"Location", "/elsewhere"}}, {}};
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto patch = openDestination(settings, {{"path", "/orders"}, {"method", "PATCH"}});
  EXPECT_TRUE(patch->write(kPage, rows(1)).outcome.ok());
  auto post = openDestination(settings, {{"path", "/orders"}});
  PageWrite moved = post->write(kPage, rows(2));
  EXPECT_TRUE(moved.outcome.fatal());
  EXPECT_NE(moved.outcome.status.message().find("redirects are not followed"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(HttpImportTest, AStringThatIsNotUtf8FailsOnlyItsRow) {
  ScriptedHttpServer server([](const SeenRequest&) { return ScriptedReply{200, "", {}, {}}; });
  auto destination = openDestination({{"baseUrl", server.baseUrl()}}, {{"path", "/orders"}});
  std::vector<json> page = {{{"ref", "ok"}}, {{"ref", std::string("\xff\xfe")}}};
  PageWrite written = destination->write(kPage, page);
  ASSERT_TRUE(written.outcome.ok());
  ASSERT_EQ(written.failures.size(), 1u);
  EXPECT_EQ(written.failures[0].index, 1u);
  EXPECT_EQ(server.requests().size(), 1u);
}

}  // namespace
}  // namespace ferry::agent::connectors::http
