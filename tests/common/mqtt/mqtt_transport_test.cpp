// MqttTransport (Paho) against a real mosquitto on loopback.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

#include "common/mqtt/mqtt_transport.h"
#include "tests/common/mqtt/transport_test_helpers.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/subprocess.h"

namespace ferry::mqtt {
namespace {

using testing::MosquittoBroker;
using namespace std::chrono_literals;
using transport_test::awaitMessage;
using transport_test::options;
using transport_test::testLogger;

class TransportVersionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TransportVersionTest, PublishSubscribeAndRetained) {
  MosquittoBroker broker;
  auto sub = makePahoTransport(testLogger());
  auto pub = makePahoTransport(testLogger());
  ASSERT_TRUE(sub->connect(options(broker.url(), "sub", GetParam())).isOk());
  ASSERT_TRUE(pub->connect(options(broker.url(), "pub", GetParam())).isOk());
  EXPECT_TRUE(pub->connected());
  ASSERT_TRUE(sub->subscribe({{"ferry/v1/agents/a/#", 1}}).isOk());
  ASSERT_TRUE(pub->publish({"ferry/v1/agents/a/events", "{\"seq\":1}", 1, false}).isOk());
  auto m = awaitMessage(*sub, "ferry/v1/agents/a/events");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->payload, "{\"seq\":1}");
  EXPECT_FALSE(m->retained);

  // A retained message reaches a subscriber that comes later, flagged as retained.
  ASSERT_TRUE(pub->publish({"ferry/v1/agents/a/desired", "{\"version\":3}", 1, true}).isOk());
  auto late = makePahoTransport(testLogger());
  ASSERT_TRUE(late->connect(options(broker.url(), "late", GetParam())).isOk());
  ASSERT_TRUE(late->subscribe({{"ferry/v1/agents/a/desired", 1}}).isOk());
  auto r = awaitMessage(*late, "ferry/v1/agents/a/desired");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->retained);
  EXPECT_EQ(r->payload, "{\"version\":3}");
}

TEST_P(TransportVersionTest, WillIsDeliveredWhenTheClientDiesButNotOnDisconnect) {
  MosquittoBroker broker;
  auto watcher = makePahoTransport(testLogger());
  ASSERT_TRUE(watcher->connect(options(broker.url(), "watcher", GetParam())).isOk());
  ASSERT_TRUE(watcher->subscribe({{"ferry/v1/agents/+/online", 1}}).isOk());

  // Graceful: no will.
  auto polite = makePahoTransport(testLogger());
  auto o = options(broker.url(), "polite", GetParam());
  o.will = Message{"ferry/v1/agents/polite/online", "{\"online\":false}", 1, false};
  ASSERT_TRUE(polite->connect(o).isOk());
  polite->disconnect();
  EXPECT_FALSE(polite->connected());
  EXPECT_FALSE(awaitMessage(*watcher, "ferry/v1/agents/polite/online", 1s).has_value());

  // Killed: the broker publishes the will.
  ferry::testing::ChildProcess child(
      {FERRY_WILL_CLIENT_BIN, broker.url(), "ferry/v1/agents/dead/online", "{\"online\":false}"},
      broker.dir().path());
  ASSERT_TRUE([&] {
    for (int i = 0; i < 500; ++i) {
      if (child.stdoutText().find("connected") != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }()) << child.stderrText();
  child.signal(SIGKILL);
  auto will = awaitMessage(*watcher, "ferry/v1/agents/dead/online", 10s);
  ASSERT_TRUE(will.has_value());
  EXPECT_EQ(will->payload, "{\"online\":false}");
}

TEST_P(TransportVersionTest, LostConnectionIsReportedAndReconnectWorks) {
  MosquittoBroker broker;
  auto t = makePahoTransport(testLogger());
  auto o = options(broker.url(), "agent-x", GetParam());
  ASSERT_TRUE(t->connect(o).isOk());
  broker.restart();
  bool lost = false;
  for (int i = 0; i < 100 && !lost; ++i) {
    auto e = t->poll(100ms);
    lost = e && e->kind == TransportEvent::Kind::kConnectionLost;
  }
  EXPECT_TRUE(lost);
  EXPECT_FALSE(t->connected());
  // No automatic reconnect: the owner reconnects, here once.
  ASSERT_TRUE(t->connect(o).isOk());
  EXPECT_TRUE(t->connected());
  EXPECT_TRUE(t->subscribe({{"x/#", 1}}).isOk());
}

INSTANTIATE_TEST_SUITE_P(Versions, TransportVersionTest, ::testing::Values("5", "3.1.1"),
                         [](const auto& info) {
                           return info.param == "5" ? std::string("V5") : std::string("V311");
                         });

TEST(TransportTest, UnreachableBrokerIsUnavailable) {
  int port = ferry::testing::freeTcpPort();
  auto t = makePahoTransport(testLogger());
  auto st = t->connect(options("tcp://127.0.0.1:" + std::to_string(port), "x"));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.toString();
  EXPECT_TRUE(st.retryable());
  EXPECT_EQ(t->publish({"a", "b", 1, false}).code(), StatusCode::kUnavailable);
}

TEST(TransportTest, BadOptionsNeedAFix) {
  auto t = makePahoTransport(testLogger());
  EXPECT_EQ(t->connect(options("broker:1883", "x")).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(t->connect(options("tcp://127.0.0.1:1", "x", "4")).code(),
            StatusCode::kFailedPrecondition);
}

// A broker with a password file and an ACL that confines each user to its own tree.
class AuthBroker {
 public:
  AuthBroker() {
    std::filesystem::permissions(files_.path(), std::filesystem::perms::all);
    files_.write("acl", "pattern readwrite ferry/v1/agents/%u/#\n");
    files_.write("passwd", "");
    auto a = ferry::testing::runProcess(
        {"/usr/bin/mosquitto_passwd", "-b", files_.file("passwd"), "agent-a", "secret-a"});
    if (a.exitCode != 0) throw std::runtime_error("mosquitto_passwd: " + a.err);
    std::filesystem::permissions(files_.file("passwd"), std::filesystem::perms::owner_read |
                                                            std::filesystem::perms::owner_write |
                                                            std::filesystem::perms::others_read);
    broker_ = std::make_unique<MosquittoBroker>("allow_anonymous false\npassword_file " +
                                                files_.file("passwd") + "\nacl_file " +
                                                files_.file("acl") + "\n");
  }
  const MosquittoBroker& broker() const { return *broker_; }

 private:
  ferry::testing::TempDir files_;
  std::unique_ptr<MosquittoBroker> broker_;
};

TEST_P(TransportVersionTest, CredentialsAndAclAreEnforced) {
  AuthBroker auth;
  auto anonymous = makePahoTransport(testLogger());
  auto refused = anonymous->connect(options(auth.broker().url(), "anon", GetParam()));
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.toString();
  EXPECT_NE(refused.message().find("not authorised"), std::string::npos);

  auto wrong = options(auth.broker().url(), "agent-a", GetParam());
  wrong.username = "agent-a";
  wrong.password = "not-the-password";
  auto badPassword = anonymous->connect(wrong);
  EXPECT_EQ(badPassword.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(badPassword.message().find("not-the-password"), std::string::npos);

  auto agent = makePahoTransport(testLogger());
  auto good = options(auth.broker().url(), "agent-a", GetParam());
  good.username = "agent-a";
  good.password = "secret-a";
  ASSERT_TRUE(agent->connect(good).isOk());
  ASSERT_TRUE(agent->subscribe({{"ferry/v1/agents/agent-a/#", 1}}).isOk());
  ASSERT_TRUE(agent->publish({"ferry/v1/agents/agent-a/events", "own", 1, false}).isOk());
  EXPECT_TRUE(awaitMessage(*agent, "ferry/v1/agents/agent-a/events").has_value());
  // Another agent's tree: with the acl_file, MQTT 5 refuses the publish (PUBACK 0x87);
  // MQTT 3.1.1 cannot say so and the broker drops it silently (TOOLCHAIN.md §3).
  auto foreign = agent->publish({"ferry/v1/agents/agent-b/events", "x", 1, false});
  if (GetParam() == "5") {
    EXPECT_EQ(foreign.code(), StatusCode::kFailedPrecondition) << foreign.toString();
  }
}
}  // namespace
}  // namespace ferry::mqtt
