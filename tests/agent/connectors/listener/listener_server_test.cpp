// Real HTTP requests against a ListenerServer that writes into a real LogQueue: every
// accepted request is a page in the topic, every refused one leaves the topic as it was.
#include <atomic>
#include <thread>

#include "agent/connectors/listener/listener_auth.h"
#include "tests/agent/connectors/listener/listener_fixture.h"

namespace ferry::agent::connectors::listener::testing {
namespace {

using json = ferry::Json;

ListenerAuth hmacAuth(const std::string& key, const std::string& header = "X-Signature") {
  ListenerAuth a;
  a.hmacSha256Key = key;
  a.signatureHeader = header;
  return a;
}

ListenerAuth bearerAuth(const std::string& token) {
  ListenerAuth a;
  a.bearerToken = token;
  return a;
}

class ListenerServerTest : public ListenerFixture {};

TEST_F(ListenerServerTest, SignedPostIsQueuedAsOnePageBeforeThe202) {
  startServer({route("/hooks/orders", "orders", hmacAuth("k3y"))});
  TestClient client(server_->port());
  const std::string body = R"([{"id":1,"total":9.5},{"id":2,"total":0}])";
  Reply r = client.post("/hooks/orders", body, {{"X-Signature", hmacSha256Hex("k3y", body)}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 2}, {"seq", 1}}));
  auto stored = pages("orders");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].seq, 1u);
  EXPECT_EQ(*stored[0].records, json::parse(body).get<std::vector<json>>());
  auto progress = queue_->progress("orders");
  ASSERT_TRUE(progress.isOk());
  EXPECT_TRUE((*progress)["received"].get<std::string>().ends_with("Z")) << progress->dump();

  // GitHub's form of the header, on the same keep-alive connection: one more page.
  const std::string one = R"({"id":3})";
  r = client.post("/hooks/orders", one, {{"X-Signature", "sha256=" + hmacSha256Hex("k3y", one)}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 1}, {"seq", 2}}));
  stored = pages("orders");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(*stored[1].records, std::vector<json>{json({{"id", 3}})});
}

TEST_F(ListenerServerTest, AcceptedRecordsSurviveReopeningTheQueue) {
  startServer({route("/h", "events")});
  ASSERT_EQ(TestClient(server_->port()).post("/h", R"({"n":1})").status, 202);
  server_.reset();
  queue_.reset();  // closed: only what reached the file is left
  openQueue();
  auto stored = pages("events");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ((*stored[0].records)[0], json({{"n", 1}}));
}

TEST_F(ListenerServerTest, BadOrMissingSignatureIs401AndQueuesNothing) {
  startServer({route("/h", "orders", hmacAuth("k3y", "X-Hub-Signature-256"))});
  TestClient client(server_->port());
  const std::string body = R"({"id":1})";
  struct Case {
    std::string name;
    std::map<std::string, std::string> headers;
  } cases[] = {
      {"missing", {}},
      {"wrong key", {{"X-Hub-Signature-256", hmacSha256Hex("other", body)}}},
      {"other body", {{"X-Hub-Signature-256", hmacSha256Hex("k3y", R"({"id":2})")}}},
      {"not hex", {{"X-Hub-Signature-256", "sha256=not-a-signature"}}},
      {"wrong header", {{"X-Signature", hmacSha256Hex("k3y", body)}}},
  };
  for (const auto& c : cases) {
    Reply r = client.post("/h", body, c.headers);
    EXPECT_EQ(r.status, 401) << c.name << ": " << r.body;
    EXPECT_EQ(r.headers["WWW-Authenticate"], "HMAC-SHA256 header=\"X-Hub-Signature-256\"");
    json p = problemOf(r);
    EXPECT_NE(p.value("detail", "").find("X-Hub-Signature-256"), std::string::npos) << r.body;
    EXPECT_EQ(p.value("instance", ""), "/h");
  }
  EXPECT_TRUE(pages("orders").empty());
}

TEST_F(ListenerServerTest, BearerTokenGoodAndBad) {
  startServer({route("/t", "tickets", bearerAuth("tok-123"))});
  TestClient client(server_->port());
  Reply bad = client.post("/t", R"({"id":1})", {{"Authorization", "Bearer tok-124"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.headers["WWW-Authenticate"], "Bearer realm=\"ferry-listener\"");
  EXPECT_EQ(problemOf(bad).value("detail", ""), "the bearer token is not valid");
  EXPECT_EQ(client.post("/t", R"({"id":1})").status, 401);
  EXPECT_EQ(client.post("/t", R"({"id":1})", {{"Authorization", "Basic dG9rLTEyMw=="}}).status,
            401);
  EXPECT_TRUE(pages("tickets").empty());

  Reply good = client.post("/t", R"({"id":2})", {{"Authorization", "Bearer tok-123"}});
  ASSERT_EQ(good.status, 202) << good.body;
  auto stored = pages("tickets");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ((*stored[0].records)[0]["id"], 2);
}

TEST_F(ListenerServerTest, UnknownPathIs404EvenWhenSigned) {
  startServer({route("/hooks/orders", "orders", hmacAuth("k"))});
  TestClient client(server_->port());
  const std::string body = R"({"id":1})";
  for (const std::string path : {"/hooks/other", "/hooks/orders/", "/", "/HOOKS/ORDERS"}) {
    Reply r = client.post(path, body, {{"X-Signature", hmacSha256Hex("k", body)}});
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(problemOf(r).value("detail", ""), "no listener export at " + path);
  }
  EXPECT_TRUE(pages("orders").empty());
}

TEST_F(ListenerServerTest, QueryStringIsIgnoredWhenMatchingThePath) {
  startServer({route("/h", "events")});
  EXPECT_EQ(TestClient(server_->port()).post("/h?source=shop", R"({"a":1})").status, 202);
  EXPECT_EQ(pages("events").size(), 1u);
}

TEST_F(ListenerServerTest, MalformedJsonIs400WithThePosition) {
  startServer({route("/h", "events", hmacAuth("k"))});
  TestClient client(server_->port());
  const std::string body = R"({"id": 1, "x": })";
  Reply r = client.post("/h", body, {{"X-Signature", hmacSha256Hex("k", body)}});
  EXPECT_EQ(r.status, 400);
  const std::string detail = problemOf(r).value("detail", "");
  EXPECT_NE(detail.find("not valid JSON (at byte 16)"), std::string::npos) << detail;
  EXPECT_NE(detail.find("line 1, column 16"), std::string::npos) << detail;
  EXPECT_TRUE(pages("events").empty());
}

TEST_F(ListenerServerTest, NonObjectElementIs400NamingTheIndexAndQueuesNoneOfTheOthers) {
  startServer({route("/h", "events")});
  TestClient client(server_->port());
  Reply r = client.post("/h", R"([{"id":1},{"id":2},7,{"id":4}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(problemOf(r).value("detail", ""),
            "element 2 of the array is a number, not an object (a record)");
  r = client.post("/h", R"("just a string")");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(pages("events").empty());
}

TEST_F(ListenerServerTest, EmptyArrayIs202WithNothingQueued) {
  startServer({route("/h", "events")});
  Reply r = TestClient(server_->port()).post("/h", "[]");
  ASSERT_EQ(r.status, 202);
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 0}, {"seq", nullptr}}));
  EXPECT_TRUE(pages("events").empty());
  EXPECT_TRUE(queue_->progress("events")->is_null());
}

TEST_F(ListenerServerTest, BodyOverTheLimitIs413WithOrWithoutContentLength) {
  ListenerServer::Options o;
  o.maxBodyBytes = 256;
  startServer({route("/h", "events")}, o);
  const std::string big = R"({"pad":")" + std::string(1000, 'x') + "\"}";
  Reply r = TestClient(server_->port()).post("/h", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(problemOf(r).value("detail", ""), "the body exceeds 256 bytes");

  Request chunked;
  chunked.path = "/h";
  chunked.body = big;
  chunked.chunked = true;
  r = TestClient(server_->port()).send(chunked);
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(pages("events").empty());

  // The limit is on the body, not the records: a body just under it goes through.
  const std::string fits = R"({"pad":")" + std::string(200, 'x') + "\"}";
  EXPECT_EQ(TestClient(server_->port()).post("/h", fits).status, 202);
  EXPECT_EQ(pages("events").size(), 1u);
}

TEST_F(ListenerServerTest, QueueFullIs503WithRetryAfterAndNothingQueued) {
  openQueue(/*quotaBytes=*/300);
  ListenerServer::Options o;
  o.retryAfterSeconds = 7;
  startServer({route("/h", "events")}, o);
  TestClient client(server_->port());
  ASSERT_EQ(client.post("/h", R"({"id":1})").status, 202);
  const std::string big =
      R"([{"pad":")" + std::string(200, 'x') + R"("},{"pad":")" + std::string(200, 'y') + "\"}]";
  Reply r = client.post("/h", big);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.headers["Retry-After"], "7");
  EXPECT_NE(problemOf(r).value("detail", "").find("queue is full"), std::string::npos) << r.body;
  auto stored = pages("events");
  ASSERT_EQ(stored.size(), 1u);  // only the first request; no part of the second
  EXPECT_EQ(*stored[0].records, std::vector<json>{json({{"id", 1}})});
}

TEST_F(ListenerServerTest, OtherMethodsAre405) {
  startServer({route("/h", "events")});
  TestClient client(server_->port());
  for (const std::string method : {"GET", "PUT", "DELETE"}) {
    Request req;
    req.method = method;
    req.path = "/h";
    if (method == "PUT") req.body = R"({"id":1})";
    Reply r = client.send(req);
    EXPECT_EQ(r.status, 405) << method;
    EXPECT_EQ(r.headers["Allow"], "POST");
    EXPECT_NE(problemOf(r).value("detail", "").find("accepts POST only, not " + method),
              std::string::npos);
  }
  EXPECT_TRUE(pages("events").empty());
}

TEST_F(ListenerServerTest, SetRoutesReplacesTheTableWhileRunning) {
  startServer({route("/a", "topic-a")});
  TestClient client(server_->port());  // one keep-alive connection across the swap
  ASSERT_EQ(client.post("/a", R"({"n":1})").status, 202);
  EXPECT_EQ(client.post("/b", R"({"n":2})").status, 404);

  ASSERT_TRUE(server_->setRoutes({route("/b", "topic-b", bearerAuth("t"))}).isOk());
  EXPECT_EQ(client.post("/a", R"({"n":3})").status, 404);
  EXPECT_EQ(client.post("/b", R"({"n":4})").status, 401);
  EXPECT_EQ(client.post("/b", R"({"n":5})", {{"Authorization", "Bearer t"}}).status, 202);

  // A bad table is refused as a whole and the running one stays.
  Status bad = server_->setRoutes({route("/c", "c"), route("/c", "d")});
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.message().find("already used by export c"), std::string::npos) << bad.message();
  EXPECT_EQ(client.post("/c", R"({"n":6})").status, 404);
  EXPECT_EQ(client.post("/b", R"({"n":7})", {{"Authorization", "Bearer t"}}).status, 202);

  ASSERT_EQ(pages("topic-a").size(), 1u);
  auto b = pages("topic-b");
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ((*b[0].records)[0]["n"], 5);
  EXPECT_EQ((*b[1].records)[0]["n"], 7);
}

TEST_F(ListenerServerTest, EveryAcceptedRequestIsQueuedWhileRoutesFlip) {
  startServer({route("/h", "left")});
  constexpr int kThreads = 3;
  constexpr int kPerThread = 20;
  std::atomic<int> accepted{0};
  std::atomic<int> other{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      TestClient client(server_->port());
      for (int i = 0; i < kPerThread; ++i) {
        json rec = {{"t", t}, {"i", i}};
        (client.post("/h", rec.dump()).status == 202 ? accepted : other)++;
      }
    });
  }
  for (int flip = 0; flip < 20; ++flip) {
    ASSERT_TRUE(server_->setRoutes({route("/h", flip % 2 == 0 ? "right" : "left")}).isOk());
  }
  for (auto& p : posters) p.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(accepted.load(), kThreads * kPerThread);
  EXPECT_EQ(pages("left").size() + pages("right").size(),
            static_cast<std::size_t>(kThreads * kPerThread));
}

// A sink that fails the way a closed or broken queue does.
class FailingSink final : public ListenerSink {
 public:
  explicit FailingSink(Status status) : status_(std::move(status)) {}
  Result<std::uint64_t> append(const std::string&, const std::vector<json>&) override {
    return status_;
  }

 private:
  Status status_;
};

TEST(ListenerSinkErrorsTest, ClosedQueueIs503AndABrokenOneIs500) {
  for (const auto& [status, expected] :
       {std::pair{Status::failedPrecondition("the queue is closed"), 503},
        std::pair{Status::dataLoss("queue.db is damaged"), 500}}) {
    ListenerServer::Options o;
    o.bind = "127.0.0.1";
    o.port = ferry::testing::freeTcpPort();
    auto server = ListenerServer::start(o, {ListenerRoute{"/h", "e", "e", {}}},
                                        std::make_unique<FailingSink>(status), quietLogger());
    ASSERT_TRUE(server.isOk()) << server.status().toString();
    Reply r = TestClient((*server)->port()).post("/h", R"({"id":1})");
    EXPECT_EQ(r.status, expected) << r.body;
    json p = problemOf(r);
    EXPECT_NE(p.value("detail", "").find("nothing was queued"), std::string::npos) << r.body;
    // The queue's own words stay in the agent's log.
    EXPECT_EQ(r.body.find("queue.db"), std::string::npos);
    EXPECT_EQ(r.headers.count("Retry-After"), expected == 503 ? 1u : 0u);
  }
}

TEST(ListenerStartTest, BadRoutesOrAnUnusablePortAreRefused) {
  ListenerServer::Options o;
  o.bind = "127.0.0.1";
  o.port = ferry::testing::freeTcpPort();
  auto bad =
      ListenerServer::start(o, {ListenerRoute{"h", "e", "e", {}}},
                            std::make_unique<FailingSink>(Status::internal("x")), quietLogger());
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);

  auto first = ListenerServer::start(o, {}, std::make_unique<FailingSink>(Status::internal("x")),
                                     quietLogger());
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  auto second = ListenerServer::start(o, {}, std::make_unique<FailingSink>(Status::internal("x")),
                                      quietLogger());
  ASSERT_FALSE(second.isOk());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(std::to_string(o.port)), std::string::npos);
}

TEST(ListenerStartTest, OptionsComeFromTheAgentConfig) {
  config::AgentConfig::Listener cfg;
  cfg.bind = "10.1.2.3";
  cfg.port = 9443;
  cfg.tlsCertFile = "/etc/ferry/l.crt";
  cfg.tlsKeyFile = "/etc/ferry/l.key";
  cfg.maxBodyBytes = 4096;
  auto o = ListenerServer::optionsFrom(cfg);
  EXPECT_EQ(o.bind, "10.1.2.3");
  EXPECT_EQ(o.port, 9443);
  EXPECT_EQ(o.tlsCertFile, "/etc/ferry/l.crt");
  EXPECT_EQ(o.tlsKeyFile, "/etc/ferry/l.key");
  EXPECT_EQ(o.maxBodyBytes, 4096);
  EXPECT_EQ(o.retryAfterSeconds, 5);
}

}  // namespace
}  // namespace ferry::agent::connectors::listener::testing
