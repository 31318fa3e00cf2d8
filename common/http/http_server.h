#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/log/logger.h"
#include "common/status/result.h"

namespace ferry::http {

struct HttpRequest {
  std::string method;
  std::string path;                            // without the query string
  std::string query;                           // raw, without '?'
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string contentType = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Called on one of the server's worker threads; must be thread-safe.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// A small HTTP/1.1 server (Poco::Net's request parsing behind it; connections waiting for
// their next request are parked in epoll, not on a thread): bodies above maxBodyBytes get
// 413 (and the connection is closed after a bounded drain), a handler that throws gets 500
// and a log line, never a dead worker, a request that is not HTTP gets 400. Keep-alive and
// pipelining. HTTPS when both TLS files are set.
class HttpServer {
 public:
  struct Options {
    std::string bind = "127.0.0.1";
    int port = 0;        // 0: an ephemeral port, see port()
    int maxThreads = 8;  // workers: requests answered at once (idle connections hold none)
    std::size_t maxConnections = 512;  // open at once; one more is closed unanswered
    int keepAliveSeconds = 15;         // an idle connection is closed after this long
    int ioTimeoutSeconds = 15;         // a request that stalls this long mid-read or mid-write ends
    std::int64_t maxBodyBytes = 1 << 20;
    // PEM files; both set: HTTPS (TLS 1.2+), both empty: plain HTTP, one alone: an error.
    std::string tlsCertFile;
    std::string tlsKeyFile;
  };

  static Result<std::unique_ptr<HttpServer>> start(const Options& options, HttpHandler handler,
                                                   Logger logger);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;  // the bound port
  bool tls() const;  // serving HTTPS
  void stop();       // idempotent; waits for in-flight requests

  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);  // use start()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::http
