#pragma once

#include "common/http/http_server.h"
#include "common/metrics/registry.h"
#include "controller/api/controller_api.h"

namespace ferry::controller::api {

// The controller's HTTP surface: GET /metrics and everything ControllerApi answers. Each
// request is counted by route template, method and status and timed
// (ferry_http_requests_total, ferry_http_request_duration_seconds); unknown paths share
// route="other". `api` and `registry` must outlive the handler.
http::HttpHandler controllerHttpHandler(const ControllerApi& api, metrics::Registry& registry);

}  // namespace ferry::controller::api
