#pragma once

#include <string>

#include "common/status/result.h"

namespace ferry::mqtt {

// A broker URL split into what the client library needs.
struct BrokerUrl {
  std::string scheme;  // tcp, ssl, mqtts, ws, wss
  std::string host;
  int port = 0;
  std::string path;  // websockets only, e.g. "/mqtt"
  bool tls() const { return scheme == "ssl" || scheme == "mqtts" || scheme == "wss"; }
  bool websocket() const { return scheme == "ws" || scheme == "wss"; }
};

// Parses and checks a broker URL; the error says what is wrong with it.
Result<BrokerUrl> parseBrokerUrl(const std::string& url);

// The proxy as Paho C 1.3 must be given it: "[user:pass@]host:port" with no scheme.
// (Paho strips only an "https://" prefix for TLS and WebSocket-TLS URLs; an "http://"
// prefix there makes every connect fail.) Empty in, empty out.
Result<std::string> pahoProxy(const std::string& proxy);

}  // namespace ferry::mqtt
