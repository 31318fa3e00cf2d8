#pragma once

#include <memory>
#include <string>

#include "common/json/json.h"
#include "common/status/result.h"

namespace Poco::Net {
class HTTPClientSession;
}

namespace ferry::http {

struct JsonReply {
  int status = 0;
  ferry::Json body;  // null when the body is not JSON
};

// A few JSON calls to one HTTP(S) server over one keep-alive connection (the controller's
// API, for `ferry-controller deploy` and `ferry-agent enroll`). HTTPS verifies the server
// against the system CAs, or against `caFile` when given. Not thread-safe.
class JsonClient {
 public:
  // `baseUrl` is http(s)://host[:port][/prefix]; `bearerToken` "" sends no Authorization.
  // kInvalidArgument for a URL that is not http(s).
  static Result<std::unique_ptr<JsonClient>> open(const std::string& baseUrl,
                                                  std::string bearerToken = "",
                                                  const std::string& caFile = "");
  ~JsonClient();

  // kUnavailable when the server cannot be reached (the message names the URL).
  Result<JsonReply> call(const std::string& method, const std::string& path,
                         const ferry::Json* body = nullptr);

  JsonClient(std::string base, std::string prefix, std::string token,
             std::unique_ptr<Poco::Net::HTTPClientSession> session);

 private:
  std::string base_;
  std::string prefix_;
  std::string token_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

}  // namespace ferry::http
