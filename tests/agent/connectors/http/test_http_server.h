#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::testing {

// A request as the scripted server saw it.
struct SeenRequest {
  std::string method;
  std::string path;                            // without the query, percent-decoded
  std::map<std::string, std::string> query;    // decoded names and values
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string peer;  // the client's address and port: equal for one kept-alive connection
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct ScriptedReply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // waits this long before answering (cut short on stop)
};

// An HTTP (or, with certificate and key, HTTPS) server on 127.0.0.1:freeTcpPort() whose
// answers come from `script`, called on a server thread for each request in turn. Every
// request is recorded. Poco::Net::HTTPServer behind it; stopped by the destructor.
class ScriptedHttpServer {
 public:
  using Script = std::function<ScriptedReply(const SeenRequest&)>;
  struct Tls {
    std::string certFile;
    std::string keyFile;
  };

  // `keepAlive`: how long an idle connection stays open before the server closes it.
  explicit ScriptedHttpServer(Script script, std::optional<Tls> tls = std::nullopt,
                              std::chrono::milliseconds keepAlive = std::chrono::seconds(10));
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  int port() const;
  // "http://127.0.0.1:<port>" (https with TLS).
  std::string baseUrl() const;
  std::vector<SeenRequest> requests() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A CA and a server certificate for 127.0.0.1 / localhost made with the openssl CLI in
// `dir`: ca.crt, server.crt, server.key. Empty paths when openssl failed (the message is
// in `error`).
struct TestCertificates {
  std::string caFile;
  std::string certFile;
  std::string keyFile;
  std::string error;
};
TestCertificates makeTestCertificates(const std::string& dir);

}  // namespace ferry::testing
