#pragma once

#include <map>
#include <memory>
#include <string>

namespace ferry::agent::connectors::listener::testing {

struct Reply {
  int status = 0;
  std::string body;
  std::string contentType;
  std::map<std::string, std::string> headers;  // as sent
};

struct Request {
  std::string method = "POST";
  std::string path;
  std::string body;
  std::map<std::string, std::string> headers;
  bool chunked = false;  // no Content-Length: the server must count while it reads
};

// A real HTTP(S) client (Poco) to 127.0.0.1:port. Poco exceptions propagate (the test
// fails with their text).
class TestClient {
 public:
  // caFile empty: plain HTTP; else HTTPS verifying the server against caFile.
  explicit TestClient(int port, std::string caFile = "");
  ~TestClient();

  Reply send(const Request& request);
  Reply post(const std::string& path, const std::string& body,
             const std::map<std::string, std::string>& headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::agent::connectors::listener::testing
