// The transport side of the http connector: settings and auth headers, retry
// classification (429 with Retry-After, 5xx through the retry policy, timeouts, refused
// connections), TLS with a test CA, and secrets kept out of messages and logs.
#include <gtest/gtest.h>

#include <thread>

#include "agent/connectors/http/http_connector.h"
#include "agent/connectors/http/http_reply.h"
#include "agent/connectors/http/http_settings.h"
#include "agent/connectors/http/link_header.h"
#include "common/retry/retry_policy.h"
#include "tests/agent/connectors/http/http_test_util.h"
#include "tests/agent/connectors/http/test_http_server.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::http {
namespace {

using json = ferry::Json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ScriptedHttpServer;
using testing::ScriptedReply;
using testing::SeenRequest;
using testing::TempDir;
using namespace testutil;

ScriptedReply ok() {
  return {200, R"([{"id":1}])", {}, {}};
}

// Opens an export of GET /orders on `settings` and reads one page.
Outcome readOnePage(const json& settings, const ConnectorContext& context = {},
                    std::optional<ExportPage>* out = nullptr) {
  auto source = httpConnectorImpl().openSource(
      parseConnection(settings), parseExport(settings, {{"path", "/orders"}}), context);
  if (!source.isOk()) return Outcome(source.status());
  EXPECT_TRUE((*source)->open(nullptr).ok());
  std::optional<ExportPage> page;
  Outcome outcome = (*source)->next(page);
  if (out != nullptr) *out = std::move(page);
  return outcome;
}

TEST(HttpAuthTest, EachFormArrivesAsItsHeader) {
  ScriptedHttpServer server([](const SeenRequest&) { return ok(); });
  MapSecrets secrets({{"token", "t0ken-123"}, {"pw", "p@ss:word"}, {"key", "k-456"}});
  ConnectorContext context{&secrets, "", nullptr};
  const std::vector<std::pair<json, std::pair<std::string, std::string>>> cases = {
      {{{"bearer", {{"$secret", "token"}}}}, {"authorization", "Bearer t0ken-123"}},
      // base64("ferry:p@ss:word")
      {{{"basic", {{"username", "ferry"}, {"password", {{"$secret", "pw"}}}}}},
       {"authorization", "Basic ZmVycnk6cEBzczp3b3Jk"}},
      {{{"apiKey", {{"value", {{"$secret", "key"}}}}}}, {"x-api-key", "k-456"}},
      {{{"apiKey", {{"header", "X-Shop-Key"}, {"value", {{"$secret", "key"}}}}}},
       {"x-shop-key", "k-456"}},
  };
  for (const auto& [auth, header] : cases) {
    json settings = {
        {"baseUrl", server.baseUrl()}, {"auth", auth}, {"headers", {{"X-Tenant", "plant-1"}}}};
    ASSERT_TRUE(readOnePage(settings, context).ok()) << auth.dump();
    const SeenRequest seen = server.requests().back();
    EXPECT_EQ(seen.header(header.first), header.second) << auth.dump();
    EXPECT_EQ(seen.header("x-tenant"), "plant-1");
  }
}

TEST(HttpAuthTest, AMissingSecretOrTwoFormsAreRefusedOnOpen) {
  MapSecrets secrets({{"token", "t"}});
  ConnectorContext context{&secrets, "", nullptr};
  json settings = {{"baseUrl", "http://127.0.0.1:9"},
                   {"auth", {{"bearer", {{"$secret", "nope"}}}}}};
  Outcome missing = readOnePage(settings, context);
  EXPECT_EQ(missing.status.code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status.message().find("secret \"nope\""), std::string::npos);

  settings["auth"] = {{"bearer", {{"$secret", "token"}}},
                      {"apiKey", {{"value", {{"$secret", "token"}}}}}};
  Outcome two = readOnePage(settings, context);
  EXPECT_EQ(two.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(two.status.message().find("connection api: /auth: give one form"), std::string::npos);

  Outcome scheme = readOnePage({{"baseUrl", "ftp://host/x"}});
  EXPECT_EQ(scheme.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(scheme.status.message().find("/baseUrl"), std::string::npos);
}

TEST(HttpRetryTest, TooManyRequestsIsRetryLaterWithTheRetryAfterHint) {
  ScriptedHttpServer server([](const SeenRequest&) {
    return ScriptedReply{429, R"({"error":"slow down"})", {{"Retry-After", "7"}}, {}};
  });
  Outcome outcome = readOnePage({{"baseUrl", server.baseUrl()}});
  EXPECT_TRUE(outcome.shouldRetry());
  ASSERT_TRUE(outcome.retryAfter.has_value());
  EXPECT_EQ(*outcome.retryAfter, seconds(7));
  EXPECT_NE(outcome.status.message().find("HTTP 429 from GET /orders"), std::string::npos);
}

TEST(HttpRetryTest, ServerErrorsAreRetriedThroughThePolicyUntilTheySucceed) {
  int calls = 0;
  ScriptedHttpServer server([&calls](const SeenRequest&) {
    return ++calls <= 2 ? ScriptedReply{500, "boom", {}, {}} : ok();
  });
  json settings = {{"baseUrl", server.baseUrl()}};
  auto source = httpConnectorImpl().openSource(parseConnection(settings),
                                               parseExport(settings, {{"path", "/orders"}}), {});
  ASSERT_TRUE(source.isOk());
  ASSERT_TRUE((*source)->open(nullptr).ok());
  retry::RetryPolicy::Options options;
  options.initialDelay = milliseconds(1);
  options.maxDelay = milliseconds(4);
  retry::RetryPolicy policy(options, [] { return 0.5; });
  std::optional<ExportPage> page;
  Outcome outcome = (*source)->next(page);
  int attempt = 0;
  while (outcome.shouldRetry()) {
    EXPECT_FALSE(page.has_value());
    EXPECT_EQ(outcome.status.message(), "HTTP 500 from GET /orders: boom");
    auto delay = policy.delay(attempt++, outcome.retryAfter);
    ASSERT_TRUE(delay.has_value());
    std::this_thread::sleep_for(*delay);
    outcome = (*source)->next(page);
  }
  ASSERT_TRUE(outcome.ok()) << outcome.status.toString();
  EXPECT_EQ(attempt, 2);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->records.size(), 1u);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(HttpRetryTest, ASlowServerTimesOutAndIsRetryLater) {
  ScriptedHttpServer server([](const SeenRequest&) {
    ScriptedReply r = ok();
    r.delay = milliseconds(5000);
    return r;
  });
  Outcome outcome = readOnePage({{"baseUrl", server.baseUrl()}, {"timeoutSeconds", 1}});
  EXPECT_TRUE(outcome.shouldRetry());
  EXPECT_EQ(outcome.status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(outcome.status.message().find("no answer within 1 s"), std::string::npos);
}

TEST(HttpRetryTest, ARefusedConnectionIsRetryLater) {
  const int port = testing::freeTcpPort();  // nothing listens there
  Outcome outcome = readOnePage({{"baseUrl", "http://127.0.0.1:" + std::to_string(port)}});
  EXPECT_TRUE(outcome.shouldRetry()) << outcome.status.toString();
  EXPECT_EQ(outcome.status.code(), StatusCode::kUnavailable);
}

TEST(HttpClientTest, OneKeptAliveConnectionCarriesTheRequestsAndIsRenewedWhenClosed) {
  // The server closes connections idle for 200 ms; the client still thinks them open.
  ScriptedHttpServer server([](const SeenRequest&) { return ok(); }, std::nullopt,
                            milliseconds(200));
  json settings = {{"baseUrl", server.baseUrl()}};
  auto destination = httpConnectorImpl().openDestination(
      parseConnection(settings), parseImport(settings, {{"path", "/in"}}), {});
  ASSERT_TRUE(destination.isOk());
  ASSERT_TRUE(
      (*destination)->write({"q", "f", "push", "t", 1}, {{{"a", 1}}, {{"a", 2}}}).outcome.ok());
  std::this_thread::sleep_for(milliseconds(600));
  PageWrite later = (*destination)->write({"q", "f", "push", "t", 2}, {{{"a", 3}}});
  EXPECT_TRUE(later.outcome.ok()) << later.outcome.status.toString();
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].peer, seen[1].peer);
  EXPECT_NE(seen[1].peer, seen[2].peer);
}

TEST(HttpRetryTest, RetryAfterReadsSecondsAndHttpDates) {
  const auto now = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01 00:00:00Z
  EXPECT_EQ(parseRetryAfter("120", now), milliseconds(120000));
  EXPECT_EQ(parseRetryAfter(" 0 ", now), milliseconds(0));
  EXPECT_EQ(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), milliseconds(0));
  EXPECT_EQ(parseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(parseRetryAfter("", now), std::nullopt);
}

TEST(HttpReplyTest, ExcerptsAreShortOneLineAndCutOnACharacter) {
  EXPECT_EQ(bodyExcerpt("{\n  \"a\": 1\n}"), "{ \"a\": 1 }");
  const std::string longBody = std::string(299, 'x') + "é" + std::string(100, 'y');
  const std::string excerpt = bodyExcerpt(longBody);
  EXPECT_EQ(excerpt, std::string(299, 'x') + "…");
  EXPECT_EQ(classify(204), ReplyKind::kOk);
  EXPECT_EQ(classify(503), ReplyKind::kRetry);
  EXPECT_EQ(classify(409), ReplyKind::kRejected);
  EXPECT_EQ(classify(302), ReplyKind::kUnexpected);
}

TEST(HttpReplyTest, LinkHeadersYieldTheNextTarget) {
  EXPECT_EQ(nextLink(R"(<https://a/x?p=2>; rel="next", <https://a/x?p=9>; rel="last")"),
            "https://a/x?p=2");
  EXPECT_EQ(nextLink(R"(<https://a/x?p=1>; rel="prev", </x?p=3>; title="a, b"; REL=Next)"),
            "/x?p=3");
  EXPECT_EQ(nextLink(R"(<https://a/x?p=9>; rel="last")"), "");
  EXPECT_EQ(nextLink(""), "");
}

class HttpTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = testing::makeTestCertificates(dir_.path());
    ASSERT_TRUE(certs_.error.empty()) << certs_.error;
  }
  TempDir dir_;
  testing::TestCertificates certs_;
};

TEST_F(HttpTlsTest, TheTestCaIsTrustedWhenConfigured) {
  ScriptedHttpServer server([](const SeenRequest&) { return ok(); },
                            ScriptedHttpServer::Tls{certs_.certFile, certs_.keyFile});
  std::optional<ExportPage> page;
  Outcome outcome =
      readOnePage({{"baseUrl", server.baseUrl()}, {"caFile", certs_.caFile}}, {}, &page);
  ASSERT_TRUE(outcome.ok()) << outcome.status.toString();
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->records.size(), 1u);
  // localhost is in the certificate too.
  const std::string byName = "https://localhost:" + std::to_string(server.port());
  EXPECT_TRUE(readOnePage({{"baseUrl", byName}, {"caFile", certs_.caFile}}).ok());
}

TEST_F(HttpTlsTest, WithoutTheCaTheServerIsNotTrustedAndThatIsFatal) {
  ScriptedHttpServer server([](const SeenRequest&) { return ok(); },
                            ScriptedHttpServer::Tls{certs_.certFile, certs_.keyFile});
  Outcome outcome = readOnePage({{"baseUrl", server.baseUrl()}});  // system CAs only
  EXPECT_TRUE(outcome.fatal()) << outcome.status.toString();
  EXPECT_EQ(outcome.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(outcome.status.message().find("not trusted"), std::string::npos);
  EXPECT_TRUE(server.requests().empty());
}

TEST_F(HttpTlsTest, AMissingCaFileIsRefusedOnOpen) {
  Outcome outcome =
      readOnePage({{"baseUrl", "https://127.0.0.1:9"}, {"caFile", dir_.file("none.pem")}});
  EXPECT_EQ(outcome.status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(outcome.status.message().find("/caFile"), std::string::npos);
}

// A server that echoes the credentials back in error bodies must not get them into any
// outcome, failure message or log line.
TEST(HttpSecretsTest, SecretsNeverAppearInOutcomesFailuresOrLogs) {
  const std::string token = "sEcReT-t0ken-value";
  ScriptedHttpServer server([](const SeenRequest& r) {
    const std::string echo =
        "you sent " + r.header("authorization") + " and " + r.header("x-api-key");
    if (r.method == "POST") return ScriptedReply{401, echo, {}, {}};
    return ScriptedReply{503, echo, {}, {}};
  });
  MapSecrets secrets({{"token", token}, {"key", token + "-key"}});
  auto sink = std::make_shared<CapturingSink>();
  Logger logger(sink, LogLevel::kDebug, "test");
  ConnectorContext context{&secrets, "", &logger};
  json settings = {{"baseUrl", server.baseUrl()},
                   {"auth", {{"bearer", {{"$secret", "token"}}}}},
                   {"headers", {{"X-API-Key", {{"$secret", "key"}}}}}};
  std::vector<std::string> messages;

  messages.push_back(readOnePage(settings, context).status.message());

  auto destination = httpConnectorImpl().openDestination(
      parseConnection(settings), parseImport(settings, {{"path", "/in"}}), context);
  ASSERT_TRUE(destination.isOk());
  PageWrite written = (*destination)->write({"q", "f", "push", "t", 1}, {{{"a", 1}}});
  EXPECT_TRUE(written.outcome.ok());  // a 401 is the row's failure
  for (const auto& f : written.failures) messages.push_back(f.message);

  auto lookup = httpConnectorImpl().openLookup(
      parseConnection(settings),
      parseLookup(settings, {{"path", "/c"}, {"params", {{"id", "customer_id"}}}}), context);
  ASSERT_TRUE(lookup.isOk());
  messages.push_back((*lookup)->fetch({{{"customer_id", 1}}}).outcome.status.message());

  ASSERT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.requests()[0].header("authorization"), "Bearer " + token);
  ASSERT_EQ(written.failures.size(), 1u);
  EXPECT_NE(written.failures[0].message.find("you sent ***"), std::string::npos);
  for (const auto& m : messages) {
    EXPECT_EQ(m.find(token), std::string::npos) << m;
    EXPECT_NE(m, "");
  }
  EXPECT_FALSE(sink->lines().empty());
  for (const auto& line : sink->lines()) EXPECT_EQ(line.find(token), std::string::npos) << line;
}

}  // namespace
}  // namespace ferry::agent::connectors::http
