// Routing, authentication, problem responses and metrics of the API, over real HTTP.
#include <gtest/gtest.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "controller/api/tokens.h"
#include "tests/controller/api/api_fixture.h"

namespace ferry::controller::api::testing {
namespace {

using ProtocolTest = ApiTest;

TEST_F(ProtocolTest, HealthIsPublicAndEverythingElseNeedsAToken) {
  authHeader_.clear();
  Reply health = get("/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body["status"], "ok");
  Reply agents = get("/api/v1/agents");
  expectProblem(agents, 401);
  EXPECT_EQ(agents.header("www-authenticate"), "Bearer realm=\"ferry\"");
  EXPECT_EQ(agents.body["instance"], "/api/v1/agents");
}

TEST_F(ProtocolTest, WrongOrDeletedTokenIsRefused) {
  authHeader_ = "Bearer " + std::string(kApiTokenPrefix) + "0000";
  Reply wrong = get("/api/v1/agents");
  expectProblem(wrong, 401);
  EXPECT_NE(wrong.header("www-authenticate").find("invalid_token"), std::string::npos);
  authHeader_ = "Basic dXNlcjpwYXNz";
  expectProblem(get("/api/v1/agents"), 401);
  authHeader_ = "bearer   " + token_;  // the scheme is case-insensitive
  EXPECT_EQ(get("/api/v1/agents").status, 200);
  ASSERT_TRUE(store_->deleteToken("test").isOk());
  expectProblem(get("/api/v1/agents"), 401);
}

TEST_F(ProtocolTest, APostWithoutContentLengthHasNoBodyAndIsAnsweredAtOnce) {
  // curl -X POST without -d sends neither Content-Length nor a chunked body; the server must
  // not wait for the client to close the connection (the request stays open here).
  Poco::Net::StreamSocket socket(
      Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)));
  socket.setReceiveTimeout(Poco::Timespan(20, 0));  // a deadline, far above any answer time
  const std::string request =
      "POST /api/v1/flows/none/run HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      token_ + "\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  char buffer[4096];
  const int n = socket.receiveBytes(buffer, sizeof buffer);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(n)).rfind("HTTP/1.1 404", 0), 0u)
      << std::string(buffer, static_cast<std::size_t>(n));
}

TEST_F(ProtocolTest, TokenUseIsRecorded) {
  EXPECT_EQ(get("/api/v1/agents").status, 200);
  auto tokens = store_->listTokens();
  ASSERT_TRUE(tokens.isOk());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].lastUsedAtMs, kT0);
}

TEST_F(ProtocolTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  expectProblem(get("/api/v1/nothing-here"), 404);
  expectProblem(get("/api/v1/agents/a/b/c"), 404);
  expectProblem(get("/elsewhere"), 404);
  Reply wrong = call("PATCH", "/api/v1/agents");
  expectProblem(wrong, 405);
  EXPECT_EQ(wrong.header("allow"), "GET, POST");
  Reply retry = call("GET", "/api/v1/errors/retry");  // {id} = "retry": GET of an error
  expectProblem(retry, 404);
  Reply del = call("DELETE", "/api/v1/errors/retry");
  expectProblem(del, 405);
  EXPECT_EQ(del.header("allow"), "GET, POST");
}

TEST_F(ProtocolTest, MalformedJsonIs400WithItsPosition) {
  Reply r = call("POST", "/api/v1/agents", "{\"id\": \"a\",\n  \"name\": }");
  expectProblem(r, 400);
  std::string detail = r.body["detail"];
  EXPECT_NE(detail.find("line 2, column 11"), std::string::npos) << detail;
  EXPECT_NE(detail.find("byte 23"), std::string::npos) << detail;
  expectProblem(call("POST", "/api/v1/agents", ""), 400);
  Reply array = call("POST", "/api/v1/agents", "[1]");
  expectProblem(array, 422);
  EXPECT_EQ(array.body["errors"][0]["pointer"], "");
}

TEST_F(ProtocolTest, BodyOverTheLimitIs413) {
  std::string big =
      "{\"id\":\"" + std::string(static_cast<std::size_t>(maxBodyBytes_), 'a') + "\"}";
  expectProblem(call("POST", "/api/v1/agents", big), 413);
}

TEST_F(ProtocolTest, BadQueryParametersAre400) {
  expectProblem(get("/api/v1/runs?flw=x"), 400);
  expectProblem(get("/api/v1/runs?limit=0"), 400);
  expectProblem(get("/api/v1/runs?limit=abc"), 400);
  expectProblem(get("/api/v1/runs?from=yesterday"), 400);
  expectProblem(get("/api/v1/runs?flow=%zz"), 400);
  expectProblem(get("/api/v1/errors?state=closed"), 400);
  expectProblem(get("/api/v1/runs?cursor=not-a-cursor"), 400);
}

TEST_F(ProtocolTest, PercentEncodedPathParametersAreDecoded) {
  Reply r = get("/api/v1/agents/plant%2D1");
  expectProblem(r, 404);
  createAgent("plant-1");
  EXPECT_EQ(get("/api/v1/agents/plant%2D1").status, 200);
}

TEST_F(ProtocolTest, MetricsCountRequestsByRouteTemplateNotPath) {
  createAgent("a1");
  createAgent("a2");
  get("/api/v1/agents/a1");
  get("/api/v1/agents/a2");
  get("/api/v1/agents/none");
  get("/api/v1/unknown/1");
  get("/api/v1/unknown/2");
  std::string metrics = get("/metrics").text;
  EXPECT_NE(metrics.find("ferry_http_requests_total{method=\"GET\",route=\"/api/v1/agents/{id}\","
                         "status=\"200\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("ferry_http_requests_total{method=\"GET\",route=\"/api/v1/agents/{id}\","
                         "status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.find("route=\"other\",status=\"404\"} 2"), std::string::npos) << metrics;
  EXPECT_EQ(metrics.find("a1"), std::string::npos) << "raw ids must not become label values";
}

}  // namespace
}  // namespace ferry::controller::api::testing
