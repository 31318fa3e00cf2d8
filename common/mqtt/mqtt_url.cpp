#include "common/mqtt/mqtt_url.h"

#include <charconv>

namespace ferry::mqtt {

namespace {

Result<std::pair<std::string, int>> hostPort(const std::string& text, const std::string& what) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::invalidArgument(what + " '" + text + "' needs host:port");
  }
  int port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port < 1 || port > 65535) {
    return Status::invalidArgument(what + " '" + text + "' has an invalid port");
  }
  return std::make_pair(text.substr(0, colon), port);
}

}  // namespace

Result<BrokerUrl> parseBrokerUrl(const std::string& url) {
  auto sep = url.find("://");
  if (sep == std::string::npos) {
    return Status::invalidArgument("broker URL '" + url +
                                   "' needs a scheme: tcp://, ssl://, ws:// or wss://");
  }
  BrokerUrl out;
  out.scheme = url.substr(0, sep);
  if (out.scheme == "mqtt") out.scheme = "tcp";
  if (out.scheme != "tcp" && out.scheme != "ssl" && out.scheme != "mqtts" && out.scheme != "ws" &&
      out.scheme != "wss") {
    return Status::invalidArgument("broker URL '" + url + "' has unknown scheme '" + out.scheme +
                                   "' (use tcp, ssl, mqtts, ws or wss)");
  }
  std::string rest = url.substr(sep + 3);
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    out.path = rest.substr(slash);
    rest = rest.substr(0, slash);
    if (!out.websocket() && out.path != "/") {
      return Status::invalidArgument("broker URL '" + url + "': only ws:// and wss:// take a path");
    }
  }
  auto hp = hostPort(rest, "broker URL");
  if (!hp) return hp.status();
  out.host = hp->first;
  out.port = hp->second;
  return out;
}

Result<std::string> pahoProxy(const std::string& proxy) {
  if (proxy.empty()) return std::string();
  std::string rest = proxy;
  auto sep = rest.find("://");
  if (sep != std::string::npos) {
    std::string scheme = rest.substr(0, sep);
    if (scheme != "http" && scheme != "https") {
      // The proxy string may hold credentials: name only its scheme.
      return Status::invalidArgument("proxy scheme '" + scheme +
                                     "' is not supported; use http://[user:pass@]host:port");
    }
    rest = rest.substr(sep + 3);
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  auto at = rest.rfind('@');
  std::string address = at == std::string::npos ? rest : rest.substr(at + 1);
  if (at != std::string::npos && rest.substr(0, at).find(':') == std::string::npos) {
    return Status::invalidArgument(
        "proxy credentials must be user:password (percent-encode "
        "'@' and ':' inside them)");
  }
  auto hp = hostPort(address, "proxy address");
  if (!hp) return hp.status();
  return rest;
}

}  // namespace ferry::mqtt
