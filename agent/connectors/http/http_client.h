#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status/result.h"

namespace ferry::agent::connectors::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Everything a client needs to reach one API, taken from a connection's settings with
// secrets resolved (http_settings.h builds it).
struct ClientOptions {
  std::string scheme = "http";  // "http" or "https"
  std::string host;
  int port = 80;
  std::string basePath;              // the path of baseUrl without a trailing '/', e.g. "/api"
  Headers headers;                   // sent with every request: the connection's headers, then auth
  std::string caFile;                // PEM CAs to trust for HTTPS; empty: the system CAs
  std::chrono::seconds timeout{30};  // connect, send and each receive
  // A larger response body is cut here and the reply marked truncated (a lookup or export
  // page that big is a definition problem: lower pageSize).
  std::size_t maxBodyBytes = std::size_t{64} << 20;
  // Secret values (and the auth header values built from them) that are removed from every
  // message this connector writes, even when a server echoes them back.
  std::vector<std::string> secrets;
};

struct Request {
  std::string method = "GET";
  std::string target;  // path and query as sent (see HttpClient::target)
  Headers headers;     // added after ClientOptions::headers, replacing equal names
  std::string body;    // sent as application/json when not empty
};

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeats joined by ", "
  std::string body;
  bool truncated = false;  // the body went past maxBodyBytes and was cut there

  // The header's value, or "" when absent. `name` in lower case.
  std::string header(std::string_view name) const;
};

// An HTTP/1.1 client over one keep-alive Poco session (HTTPS with a Poco::Net::Context of
// its own, never the process-wide SSLManager default). Not thread-safe: a connector
// instance is used by one thread at a time. It never retries on its own except once, at
// once, when a kept-alive connection turns out to be closed by the server before any reply.
class HttpClient {
 public:
  // kInvalidArgument when the CA file cannot be loaded. Does not connect yet.
  static Result<std::unique_ptr<HttpClient>> create(ClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the reply whatever its status. Errors (messages name the
  // method and path, never headers or secrets):
  //   kUnavailable         connect refused, reset, DNS, TLS handshake trouble: retry later
  //   kDeadlineExceeded    no connection or no answer within the timeout: retry later
  //   kFailedPrecondition  the server's certificate is not trusted (caFile, host name)
  Result<Reply> send(const Request& request);

  // "<basePath><path>?<query>" with each query value percent-encoded. `path` may carry a
  // query of its own; the pairs are appended to it.
  std::string target(const std::string& path, const Headers& query) const;
  // "scheme://host:port": what targets are relative to, and the only origin Link paging
  // may follow (credentials go nowhere else).
  std::string origin() const;
  // `text` with every configured secret value replaced by "***".
  std::string redact(std::string text) const;
  const ClientOptions& options() const;

  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);  // use create()

 private:
  std::unique_ptr<Impl> impl_;
};

// "GET /api/orders": how messages name a request (the query is left out: it is long and
// may carry cursors).
std::string describeRequest(const Request& request);

}  // namespace ferry::agent::connectors::http
