#include "common/mqtt/mqtt_url.h"

#include <gtest/gtest.h>

namespace ferry::mqtt {
namespace {

TEST(MqttUrlTest, ParsesEverySupportedScheme) {
  auto tcp = parseBrokerUrl("tcp://127.0.0.1:1883");
  ASSERT_TRUE(tcp.isOk());
  EXPECT_EQ(tcp->host, "127.0.0.1");
  EXPECT_EQ(tcp->port, 1883);
  EXPECT_FALSE(tcp->tls());
  auto wss = parseBrokerUrl("wss://broker.example:443/mqtt");
  ASSERT_TRUE(wss.isOk());
  EXPECT_TRUE(wss->tls());
  EXPECT_TRUE(wss->websocket());
  EXPECT_EQ(wss->path, "/mqtt");
  EXPECT_TRUE(parseBrokerUrl("ssl://h:8883")->tls());
  EXPECT_TRUE(parseBrokerUrl("mqtts://h:8883")->tls());
  EXPECT_EQ(parseBrokerUrl("mqtt://h:1883")->scheme, "tcp");
}

TEST(MqttUrlTest, BadUrlsSayWhatIsWrong) {
  EXPECT_NE(parseBrokerUrl("broker:1883").status().message().find("needs a scheme"),
            std::string::npos);
  EXPECT_NE(parseBrokerUrl("http://h:80").status().message().find("unknown scheme 'http'"),
            std::string::npos);
  EXPECT_NE(parseBrokerUrl("tcp://h").status().message().find("needs host:port"),
            std::string::npos);
  EXPECT_NE(parseBrokerUrl("tcp://h:99999").status().message().find("invalid port"),
            std::string::npos);
  EXPECT_NE(parseBrokerUrl("tcp://h:1883/x").status().message().find("only ws:// and wss://"),
            std::string::npos);
}

TEST(MqttUrlTest, ProxyIsNormalisedForPahoAndCredentialsNeverLeak) {
  EXPECT_EQ(*pahoProxy(""), "");
  EXPECT_EQ(*pahoProxy("http://127.0.0.1:3128"), "127.0.0.1:3128");
  EXPECT_EQ(*pahoProxy("https://u:p@proxy:3128/"), "u:p@proxy:3128");
  EXPECT_EQ(*pahoProxy("proxy:3128"), "proxy:3128");
  auto bad = pahoProxy("socks5://user:s3cret@proxy:1080");
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message().find("s3cret"), std::string::npos);
  auto noPort = pahoProxy("http://user:s3cret@proxy");
  ASSERT_FALSE(noPort.isOk());
  EXPECT_EQ(noPort.status().message().find("s3cret"), std::string::npos);
  EXPECT_FALSE(pahoProxy("http://useronly@proxy:1").isOk());
}

}  // namespace
}  // namespace ferry::mqtt
