#include "agent/connectors/listener/listener_server.h"

#include <map>
#include <mutex>

#include "agent/connectors/listener/listener_auth.h"
#include "agent/connectors/listener/listener_records.h"
#include "common/http/http_server.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::listener {

namespace {

using RouteTable = std::map<std::string, ListenerRoute>;

http::HttpResponse problem(int status, std::string title, std::string detail,
                           const std::string& path) {
  http::HttpResponse r;
  r.status = status;
  r.contentType = "application/problem+json";
  r.body = ferry::Json{
      {"type", "about:blank"},
      {"title", std::move(title)},
      {"status", status},
      {"detail", std::move(detail)},
      {"instance",
       path}}.dump(-1, ' ', false, ferry::Json::error_handler_t::replace);
  return r;
}

std::shared_ptr<const RouteTable> tableOf(std::vector<ListenerRoute> routes) {
  auto table = std::make_shared<RouteTable>();
  for (auto& r : routes) {
    std::string path = r.path;
    table->emplace(std::move(path), std::move(r));
  }
  return table;
}

// 401 must say how to authenticate (RFC 9110 §11.6.1).
std::string challengeFor(const ListenerAuth& auth) {
  if (auth.bearerToken) return "Bearer realm=\"ferry-listener\"";
  return "HMAC-SHA256 header=\"" + auth.signatureHeader + "\"";
}

}  // namespace

// Everything a request handler touches. Owned by Impl and declared before the HTTP server
// there, so the server (and its workers) is gone before this is.
struct ListenerServer::Impl {
  Options options;
  std::unique_ptr<ListenerSink> sink;
  Logger logger;
  mutable std::mutex mu;
  std::shared_ptr<const RouteTable> routes;  // guarded by mu; the table itself is immutable
  std::unique_ptr<http::HttpServer> server;

  Impl(const Options& o, std::unique_ptr<ListenerSink> s, Logger l)
      : options(o), sink(std::move(s)), logger(std::move(l)) {}

  std::shared_ptr<const RouteTable> currentRoutes() const {
    std::lock_guard<std::mutex> lock(mu);
    return routes;
  }

  void warnOpenRoutes(const RouteTable& table) const {
    for (const auto& [path, route] : table) {
      if (route.auth.open()) {
        logger.warning("listener export has no auth: it accepts any caller",
                       {{"export", route.exportId}, {"path", path}});
      }
    }
  }

  http::HttpResponse handle(const http::HttpRequest& req) const;
  http::HttpResponse appendRecords(const ListenerRoute& route, const std::string& path,
                                   const std::vector<ferry::Json>& records) const;
};

http::HttpResponse ListenerServer::Impl::handle(const http::HttpRequest& req) const {
  // One snapshot per request: setRoutes() while it runs does not change its route.
  const auto table = currentRoutes();
  auto it = table->find(req.path);
  if (it == table->end()) {
    return problem(404, "Not Found", "no listener export at " + req.path, req.path);
  }
  const ListenerRoute& route = it->second;
  if (req.method != "POST") {
    auto r = problem(405, "Method Not Allowed",
                     "listener export " + route.exportId + " accepts POST only, not " + req.method,
                     req.path);
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (auto why = checkListenerAuth(route.auth, req.headers, req.body)) {
    logger.warning("listener request refused: bad credentials",
                   {{"export", route.exportId}, {"reason", *why}});
    auto r = problem(401, "Unauthorized", *why, req.path);
    r.headers.emplace_back("WWW-Authenticate", challengeFor(route.auth));
    return r;
  }
  auto records = parseListenerBody(req.body);
  if (!records.isOk()) {
    return problem(400, "Bad Request", records.status().message(), req.path);
  }
  if (records->empty()) {
    http::HttpResponse r;
    r.status = 202;
    r.body = ferry::Json{{"accepted", 0}, {"seq", nullptr}}.dump();
    return r;
  }
  return appendRecords(route, req.path, *records);
}

http::HttpResponse ListenerServer::Impl::appendRecords(
    const ListenerRoute& route, const std::string& path,
    const std::vector<ferry::Json>& records) const {
  auto seq = sink->append(route.topic, records);
  if (seq.isOk()) {
    logger.debug("listener page queued", {{"export", route.exportId},
                                          {"seq", *seq},
                                          {"records", static_cast<std::uint64_t>(records.size())}});
    http::HttpResponse r;
    r.status = 202;
    r.body = ferry::Json{{"accepted", records.size()}, {"seq", *seq}}.dump();
    return r;
  }
  const Status& st = seq.status();
  logger.warning("listener page not queued",
                 {{"export", route.exportId}, {"error", st.toString()}});
  switch (st.code()) {
    case StatusCode::kInvalidArgument: return problem(400, "Bad Request", st.message(), path);
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kFailedPrecondition: {
      // The queue's own message stays in the agent log: callers learn only what to do.
      const std::string why = st.code() == StatusCode::kResourceExhausted
                                  ? "the agent's queue is full"
                                  : "the agent cannot queue records now";
      auto r = problem(
          503, "Service Unavailable",
          why + "; nothing was queued for listener export " + route.exportId + ", retry later",
          path);
      r.headers.emplace_back("Retry-After", std::to_string(options.retryAfterSeconds));
      return r;
    }
    default:
      return problem(500, "Internal Server Error",
                     "the records could not be queued; nothing was queued (see the agent log)",
                     path);
  }
}

ListenerServer::Options ListenerServer::optionsFrom(const config::AgentConfig::Listener& config) {
  Options o;
  o.bind = config.bind;
  o.port = config.port;
  o.tlsCertFile = config.tlsCertFile;
  o.tlsKeyFile = config.tlsKeyFile;
  o.maxBodyBytes = config.maxBodyBytes;
  return o;
}

Result<std::unique_ptr<ListenerServer>> ListenerServer::start(const Options& options,
                                                              std::vector<ListenerRoute> routes,
                                                              std::unique_ptr<ListenerSink> sink,
                                                              Logger logger) {
  if (!sink) return Status::invalidArgument("the listener needs a sink");
  FERRY_RETURN_IF_ERROR(validateListenerRoutes(routes));
  auto impl = std::make_unique<Impl>(options, std::move(sink), std::move(logger));
  impl->routes = tableOf(std::move(routes));
  impl->warnOpenRoutes(*impl->routes);

  http::HttpServer::Options http;
  http.bind = options.bind;
  http.port = options.port;
  http.maxThreads = options.maxThreads;
  http.maxBodyBytes = options.maxBodyBytes;
  http.tlsCertFile = options.tlsCertFile;
  http.tlsKeyFile = options.tlsKeyFile;
  const Impl* state = impl.get();
  auto server = http::HttpServer::start(
      http, [state](const http::HttpRequest& req) { return state->handle(req); },
      impl->logger.child("http"));
  if (!server.isOk()) return server.status().withContext("listener");
  impl->server = std::move(*server);
  impl->logger.info("listener started",
                    {{"bind", options.bind},
                     {"port", impl->server->port()},
                     {"tls", impl->server->tls()},
                     {"routes", static_cast<std::uint64_t>(impl->routes->size())}});
  return std::make_unique<ListenerServer>(std::move(impl));
}

ListenerServer::ListenerServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ListenerServer::~ListenerServer() {
  stop();
}

Status ListenerServer::setRoutes(std::vector<ListenerRoute> routes) {
  FERRY_RETURN_IF_ERROR(validateListenerRoutes(routes));
  auto table = tableOf(std::move(routes));
  impl_->warnOpenRoutes(*table);
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->routes = std::move(table);
  return Status::ok();
}

int ListenerServer::port() const {
  return impl_->server->port();
}

bool ListenerServer::tls() const {
  return impl_->server->tls();
}

void ListenerServer::stop() {
  if (impl_ && impl_->server) impl_->server->stop();
}

}  // namespace ferry::agent::connectors::listener
