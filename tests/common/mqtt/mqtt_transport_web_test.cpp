// MqttTransport (Paho) over WebSockets (ws://, wss://) and through an HTTP CONNECT proxy with
// credentials, against a real mosquitto and a real tinyproxy on loopback (decision 0003,
// TOOLCHAIN.md §9). The proxy's own log proves that a connection went through it, so a
// client that silently connects directly fails these tests.
#include <gtest/gtest.h>

#include <cctype>
#include <tuple>

#include "common/mqtt/mqtt_transport.h"
#include "tests/common/mqtt/transport_test_helpers.h"
#include "tests/support/http_proxy.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/tls_files.h"

namespace ferry::mqtt {
namespace {

using ferry::testing::HttpProxy;
using ferry::testing::MosquittoBroker;
using namespace std::chrono_literals;
using transport_test::awaitMessage;
using transport_test::options;
using transport_test::testLogger;

// `receiver` subscribes to `topic`, `sender` publishes one QoS 1 message on it, and the
// message must arrive unchanged.
void expectDelivered(MqttTransport& sender, MqttTransport& receiver, const std::string& topic) {
  ASSERT_TRUE(receiver.subscribe({{topic, 1}}).isOk());
  const std::string payload = "{\"topic\":\"" + topic + "\"}";
  ASSERT_TRUE(sender.publish({topic, payload, 1, false}).isOk());
  auto m = awaitMessage(receiver, topic);
  ASSERT_TRUE(m.has_value()) << "nothing arrived on " << topic;
  EXPECT_EQ(m->payload, payload);
}

MosquittoBroker::Options webBroker() {
  MosquittoBroker::Options o;
  o.websockets = true;
  o.websocketsTls = true;
  return o;
}

std::string versionName(const std::string& version) {
  return version == "5" ? "V5" : "V311";
}

class WebSocketTest : public ::testing::TestWithParam<std::string> {};

// The ws listener speaks only MQTT inside WebSocket frames, so a round trip through it
// proves the client used WebSockets; with and without the conventional "/mqtt" path.
TEST_P(WebSocketTest, RoundTripOverWs) {
  MosquittoBroker::Options bo;
  bo.websockets = true;
  MosquittoBroker broker(bo);
  auto sub = makePahoTransport(testLogger());
  auto pub = makePahoTransport(testLogger());
  auto st = sub->connect(options(broker.wsUrl(), "ws-sub", GetParam()));
  ASSERT_TRUE(st.isOk()) << st.toString();
  st = pub->connect(options(broker.wsUrl() + "/mqtt", "ws-pub", GetParam()));
  ASSERT_TRUE(st.isOk()) << st.toString();
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*pub, *sub, "ferry/v1/agents/ws/events"));
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*sub, *pub, "ferry/v1/agents/ws/cmd"));
}

TEST_P(WebSocketTest, RoundTripOverWssTrustingTheTestCa) {
  MosquittoBroker::Options bo;
  bo.websocketsTls = true;
  MosquittoBroker broker(bo);
  auto sub = makePahoTransport(testLogger());
  auto pub = makePahoTransport(testLogger());
  auto so = options(broker.wssUrl(), "wss-sub", GetParam());
  so.caFile = broker.tls().caFile;
  auto po = options(broker.wssUrl() + "/mqtt", "wss-pub", GetParam());
  po.caFile = broker.tls().caFile;
  auto st = sub->connect(so);
  ASSERT_TRUE(st.isOk()) << st.toString();
  st = pub->connect(po);
  ASSERT_TRUE(st.isOk()) << st.toString();
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*pub, *sub, "ferry/v1/agents/wss/events"));
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*sub, *pub, "ferry/v1/agents/wss/cmd"));
}

TEST_P(WebSocketTest, WssWithAnotherCaIsRefused) {
  MosquittoBroker::Options bo;
  bo.websocketsTls = true;
  MosquittoBroker broker(bo);
  ferry::testing::TempDir other;
  auto o = options(broker.wssUrl(), "wss-wrong-ca", GetParam());
  o.caFile = ferry::testing::makeCaFile(other.path(), "other");
  auto t = makePahoTransport(testLogger());
  auto st = t->connect(o);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.toString();
  // The message names the problem, with OpenSSL's own reason.
  EXPECT_NE(st.message().find("not trusted (check caFile)"), std::string::npos) << st.toString();
  EXPECT_NE(st.message().find("certificate verify failed"), std::string::npos) << st.toString();
  EXPECT_FALSE(t->connected());
}

INSTANTIATE_TEST_SUITE_P(Versions, WebSocketTest, ::testing::Values("5", "3.1.1"),
                         [](const auto& info) { return versionName(info.param); });

// (scheme of the broker URL, MQTT version)
using ProxyCase = std::tuple<std::string, std::string>;

class ProxyTest : public ::testing::TestWithParam<ProxyCase> {
 protected:
  ProxyTest() : broker_(webBroker()), proxy_(proxyOptions(broker_)) {}

  static HttpProxy::Options proxyOptions(const MosquittoBroker& broker) {
    HttpProxy::Options o;
    o.user = "ferry-agent";
    o.password = "s3cr3t.pw";
    o.connectPorts = {broker.port(), broker.wsPort(), broker.wssPort()};
    return o;
  }

  const std::string& scheme() const { return std::get<0>(GetParam()); }
  const std::string& version() const { return std::get<1>(GetParam()); }

  // The broker port the scheme under test reaches, i.e. the proxy's CONNECT target.
  int targetPort() const {
    if (scheme() == "ws") return broker_.wsPort();
    if (scheme() == "wss") return broker_.wssPort();
    return broker_.port();
  }

  ConnectOptions proxied(const std::string& id, const std::string& proxyUrl) const {
    auto o = options(scheme() + "://127.0.0.1:" + std::to_string(targetPort()), id, version());
    if (scheme() == "wss") o.caFile = broker_.tls().caFile;
    o.proxy = proxyUrl;
    return o;
  }

  MosquittoBroker broker_;
  HttpProxy proxy_;
};

TEST_P(ProxyTest, RoundTripThroughTheProxyWithCredentials) {
  auto through = makePahoTransport(testLogger());
  auto st = through->connect(proxied("proxied", proxy_.url()));
  ASSERT_TRUE(st.isOk()) << st.toString() << "\n" << proxy_.log();
  // The peer connects directly over tcp://, without a proxy.
  auto direct = makePahoTransport(testLogger());
  st = direct->connect(options(broker_.url(), "direct", version()));
  ASSERT_TRUE(st.isOk()) << st.toString();
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*direct, *through, "ferry/v1/agents/p/cmd"));
  ASSERT_NO_FATAL_FAILURE(expectDelivered(*through, *direct, "ferry/v1/agents/p/events"));
  // Exactly one tunnel, to the port of the scheme under test: the proxied client really
  // went through the proxy (a silent direct connection would leave no CONNECT here), and the
  // direct peer did not.
  EXPECT_EQ(proxy_.connectRequests(targetPort()), 1) << proxy_.log();
  EXPECT_EQ(proxy_.tunnelsOpened(targetPort()), 1) << proxy_.log();
}

TEST_P(ProxyTest, WrongProxyCredentialsFailTheConnect) {
  auto t = makePahoTransport(testLogger());
  auto st = t->connect(proxied("refused", proxy_.urlWithCredentials("ferry-agent", "wrong.pw")));
  // Every listener takes anonymous clients: a connection that bypassed the proxy would
  // have succeeded.
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.toString();
  EXPECT_FALSE(t->connected());
  EXPECT_NE(st.message().find("proxy 127.0.0.1:" + std::to_string(proxy_.port())),
            std::string::npos)
      << st.toString();
  EXPECT_EQ(st.message().find("wrong.pw"), std::string::npos) << st.toString();
  // Paho asked the proxy, which refused before opening anything to the broker.
  EXPECT_GE(proxy_.connectRequests(targetPort()), 1) << proxy_.log();
  EXPECT_EQ(proxy_.tunnelsOpened(targetPort()), 0) << proxy_.log();
}

INSTANTIATE_TEST_SUITE_P(SchemesAndVersions, ProxyTest,
                         ::testing::Combine(::testing::Values("tcp", "ws", "wss"),
                                            ::testing::Values("5", "3.1.1")),
                         [](const auto& info) {
                           std::string scheme = std::get<0>(info.param);
                           scheme[0] = static_cast<char>(std::toupper(scheme[0]));
                           return scheme + versionName(std::get<1>(info.param));
                         });

}  // namespace
}  // namespace ferry::mqtt
