#include "controller/service/controller_service.h"

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>

#include "common/config/controller_config.h"
#include "common/fs/state_dir.h"
#include "common/http/http_server.h"
#include "common/metrics/build_info.h"
#include "common/service/signal_waiter.h"
#include "common/version/version.h"

namespace ferry::controller {

namespace {

http::HttpResponse route(const http::HttpRequest& req, const metrics::Registry& registry) {
  http::HttpResponse r;
  if (req.method == "GET" && req.path == "/api/v1/health") {
    r.body = nlohmann::json({{"status", "ok"},
                             {"version", std::string(ferryVersion())},
                             {"revision", std::string(ferryRevision())}})
                 .dump();
    return r;
  }
  if (req.method == "GET" && req.path == "/metrics") {
    r.contentType = "text/plain; version=0.0.4; charset=utf-8";
    r.body = registry.render();
    return r;
  }
  r.status = 404;
  r.contentType = "application/problem+json";
  r.body = nlohmann::json({{"type", "about:blank"},
                           {"title", "Not Found"},
                           {"status", 404},
                           {"detail", "no resource at " + req.path}})
               .dump();
  return r;
}

// Counts requests by route and status and times them; unknown paths share one label value
// so a scanner cannot grow the label set without bound.
http::HttpHandler instrumented(metrics::Registry& registry) {
  return [&registry](const http::HttpRequest& req) {
    auto start = std::chrono::steady_clock::now();
    http::HttpResponse r = route(req, registry);
    std::string path = req.path == "/api/v1/health" || req.path == "/metrics" ? req.path : "other";
    std::string method = "other";
    for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
      if (req.method == m) method = m;
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    registry
        .counter("ferry_http_requests_total", "HTTP requests by route and status.",
                 {{"route", path}, {"method", method}, {"status", std::to_string(r.status)}})
        .inc();
    registry
        .histogram("ferry_http_request_duration_seconds", "HTTP request latency.",
                   metrics::Registry::latencyBuckets(), {{"route", path}})
        .observe(seconds);
    return r;
  };
}
}  // namespace

int runControllerService(cli::Invocation& inv) {
  service::SignalWaiter signals;  // before any thread starts
  Logger log = inv.logger.child("service");
  config::ControllerConfig cfg = config::controllerConfigFromJson(inv.config);
  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) {
    log.error("cannot use the state directory", {{"error", st.message()}});
    return 1;
  }
  log.info("ferry-controller started", {{"version", std::string(ferryVersion())},
                                        {"revision", std::string(ferryRevision())},
                                        {"stateDir", inv.stateDir},
                                        {"config", inv.configPath}});
  http::HttpServer::Options options;
  options.bind = cfg.http.bind;
  options.port = cfg.http.port;
  options.maxBodyBytes = cfg.http.maxBodyBytes;
  metrics::Registry registry;
  metrics::registerBuildInfo(registry);
  auto server = http::HttpServer::start(options, instrumented(registry), log.child("http"));
  if (!server) {
    log.error("HTTP API not started", {{"error", server.status().message()}});
    return 1;
  }
  log.info("HTTP API listening", {{"bind", cfg.http.bind}, {"port", (*server)->port()}});

  for (;;) {
    auto sig = signals.wait(std::chrono::seconds(1));
    if (!sig) continue;
    if (*sig == SIGHUP) {
      log.info("SIGHUP ignored: restart the controller to apply config changes");
      continue;
    }
    log.info("stopping", {{"signal", std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT")}});
    break;
  }
  (*server)->stop();
  log.info("ferry-controller stopped");
  return 0;
}

}  // namespace ferry::controller
