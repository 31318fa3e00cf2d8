#pragma once

#include <optional>

#include "common/http/http_server.h"

namespace ferry::controller::dashboard {

// The web dashboard's own paths: `/` (index.html) and `/assets/<file>` (docs/dashboard.md).
// Returns nullopt for every other path, which then belongs to the API. GET and HEAD are
// answered with the embedded file, an ETag and `Cache-Control: no-cache` (revalidate each
// time: the names carry no version), 304 when If-None-Match matches; an unknown asset is a
// 404 and another method a 405, both as application/problem+json. Thread-safe.
std::optional<http::HttpResponse> dashboardResponse(const http::HttpRequest& req);

// `next` with the dashboard in front: the dashboard's paths are answered by
// dashboardResponse, every other request by `next`.
http::HttpHandler withDashboard(http::HttpHandler next);

}  // namespace ferry::controller::dashboard
