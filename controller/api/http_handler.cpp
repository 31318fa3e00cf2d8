#include "controller/api/http_handler.h"

#include <chrono>
#include <string>

namespace ferry::controller::api {

namespace {

constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};

std::string methodLabel(const std::string& method) {
  for (const char* m : kMethods) {
    if (method == m) return m;
  }
  return "other";
}

}  // namespace

http::HttpHandler controllerHttpHandler(const ControllerApi& api, metrics::Registry& registry) {
  return [&api, &registry](const http::HttpRequest& req) {
    auto start = std::chrono::steady_clock::now();
    std::string route;
    http::HttpResponse r;
    if (req.path == "/metrics" && req.method == "GET") {
      route = "/metrics";
      r.contentType = "text/plain; version=0.0.4; charset=utf-8";
      r.body = registry.render();
    } else {
      r = api.handle(req, route);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    registry
        .counter("ferry_http_requests_total", "HTTP requests by route and status.",
                 {{"route", route},
                  {"method", methodLabel(req.method)},
                  {"status", std::to_string(r.status)}})
        .inc();
    registry
        .histogram("ferry_http_request_duration_seconds", "HTTP request latency.",
                   metrics::Registry::latencyBuckets(), {{"route", route}})
        .observe(seconds);
    return r;
  };
}

}  // namespace ferry::controller::api
