#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/connectors/listener/listener_route.h"
#include "agent/connectors/listener/listener_sink.h"
#include "common/config/agent_config.h"
#include "common/log/logger.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::listener {

// The agent's webhook endpoint (docs/listener.md). A POST to a route's path is checked
// (HMAC-SHA256 and/or bearer), parsed (object = one record, array of objects = records),
// appended to the route's topic as one page through the sink, and only then answered
// 202 {"accepted": n, "seq": s}. Errors are application/problem+json and queue nothing:
// 404 unknown path, 405 not POST, 401 bad credentials, 400 bad JSON, 413 body over
// maxBodyBytes, 503 + Retry-After when the queue is full or closed, 500 otherwise.
// Thread-safety: setRoutes(), port(), tls() and stop() may be called from any thread while
// requests are served on the server's own worker threads.
class ListenerServer {
 public:
  struct Options {
    std::string bind = "0.0.0.0";
    int port = 8088;          // 0: an ephemeral port (the agent starts no listener for 0)
    std::string tlsCertFile;  // both set: HTTPS
    std::string tlsKeyFile;
    std::int64_t maxBodyBytes = 1 << 20;
    int retryAfterSeconds = 5;  // sent with 503 (queue full)
    int maxThreads = 4;         // concurrent requests; each holds at most one body
  };
  // agent.json's listener.{bind, port, tls.certFile, tls.keyFile, maxBodyBytes}.
  static Options optionsFrom(const config::AgentConfig::Listener& config);

  // Binds and serves. kInvalidArgument for bad routes (validateListenerRoutes) or TLS
  // files that do not load; kUnavailable when the address cannot be bound. Routes without
  // auth are logged as a warning: they accept any caller.
  static Result<std::unique_ptr<ListenerServer>> start(const Options& options,
                                                       std::vector<ListenerRoute> routes,
                                                       std::unique_ptr<ListenerSink> sink,
                                                       Logger logger);
  ~ListenerServer();
  ListenerServer(const ListenerServer&) = delete;
  ListenerServer& operator=(const ListenerServer&) = delete;

  // Replaces every route at once (new definitions): a request sees either the old table or
  // the new one, never a mix. Invalid routes are refused and the old table stays.
  Status setRoutes(std::vector<ListenerRoute> routes);

  int port() const;  // the bound port
  bool tls() const;
  void stop();  // idempotent; waits for in-flight requests, whose appends complete

  struct Impl;
  explicit ListenerServer(std::unique_ptr<Impl> impl);  // use start()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::agent::connectors::listener
