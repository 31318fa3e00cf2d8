// The listener over HTTPS, with a certificate made by the openssl CLI for the test.
#include "agent/connectors/listener/listener_auth.h"
#include "tests/agent/connectors/listener/listener_fixture.h"
#include "tests/support/subprocess.h"

namespace ferry::agent::connectors::listener::testing {
namespace {

using json = ferry::Json;

class ListenerTlsTest : public ListenerFixture {
 protected:
  // A self-signed certificate for 127.0.0.1 (the client trusts exactly it).
  void makeCertificate() {
    certFile_ = dir_.file("listener.crt");
    keyFile_ = dir_.file("listener.key");
    auto r = ferry::testing::runProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
                                         "-nodes", "-keyout", keyFile_, "-out", certFile_, "-days",
                                         "2", "-subj", "/CN=127.0.0.1", "-addext",
                                         "subjectAltName=IP:127.0.0.1,DNS:localhost"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
  }

  std::string certFile_;
  std::string keyFile_;
};

TEST_F(ListenerTlsTest, SignedPostOverHttpsIsQueued) {
  ASSERT_NO_FATAL_FAILURE(makeCertificate());
  ListenerAuth auth;
  auth.hmacSha256Key = "tls-key";
  ListenerServer::Options o;
  o.tlsCertFile = certFile_;
  o.tlsKeyFile = keyFile_;
  ASSERT_NO_FATAL_FAILURE(startServer({route("/secure", "secure", auth)}, o));
  EXPECT_TRUE(server_->tls());

  TestClient client(server_->port(), certFile_);
  const std::string body = R"([{"id":"a"},{"id":"b"}])";
  Reply r = client.post("/secure", body, {{"X-Signature", hmacSha256Hex("tls-key", body)}});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 2}, {"seq", 1}}));
  Reply bad = client.post("/secure", body, {{"X-Signature", hmacSha256Hex("nope", body)}});
  EXPECT_EQ(bad.status, 401);
  auto stored = pages("secure");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ((*stored[0].records)[1]["id"], "b");
}

TEST_F(ListenerTlsTest, PlainHttpToTheHttpsPortGetsNoAnswerAndQueuesNothing) {
  ASSERT_NO_FATAL_FAILURE(makeCertificate());
  ListenerServer::Options o;
  o.tlsCertFile = certFile_;
  o.tlsKeyFile = keyFile_;
  ASSERT_NO_FATAL_FAILURE(startServer({route("/secure", "secure")}, o));
  TestClient plain(server_->port());
  EXPECT_ANY_THROW(plain.post("/secure", R"({"id":1})"));
  EXPECT_TRUE(pages("secure").empty());
}

TEST_F(ListenerTlsTest, MissingOrUnreadableTlsFilesAreRefusedAtStart) {
  openQueue();
  ListenerServer::Options o;
  o.bind = "127.0.0.1";
  o.port = ferry::testing::freeTcpPort();
  o.tlsCertFile = dir_.file("absent.crt");
  auto onlyCert =
      ListenerServer::start(o, {}, std::make_unique<LogQueueSink>(*queue_, clock_), quietLogger());
  ASSERT_FALSE(onlyCert.isOk());
  EXPECT_NE(onlyCert.status().message().find("keyFile is not set"), std::string::npos)
      << onlyCert.status().message();

  o.tlsKeyFile = dir_.write("garbage.key", "not a key");
  auto missing =
      ListenerServer::start(o, {}, std::make_unique<LogQueueSink>(*queue_, clock_), quietLogger());
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("absent.crt"), std::string::npos)
      << missing.status().message();
}

}  // namespace
}  // namespace ferry::agent::connectors::listener::testing
