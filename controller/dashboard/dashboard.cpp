#include "controller/dashboard/dashboard.h"

#include <string>
#include <string_view>

#include "controller/dashboard/embedded_assets.h"

namespace ferry::controller::dashboard {

namespace {

constexpr std::string_view kAssetPrefix = "/assets/";

// The page loads only its own files and talks only to its own origin; inline scripts and
// styles are refused, so an agent id or an error message shown by the page can never run.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const EmbeddedAsset* findAsset(std::string_view name) {
  for (const EmbeddedAsset& a : embeddedAssets()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string jsonEscaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

http::HttpResponse problem(int status, const char* title, const std::string& detail,
                           const std::string& instance) {
  http::HttpResponse r;
  r.status = status;
  r.contentType = "application/problem+json";
  r.body = std::string("{\"type\":\"about:blank\",\"title\":\"") + title +
           "\",\"status\":" + std::to_string(status) + ",\"detail\":\"" + jsonEscaped(detail) +
           "\",\"instance\":\"" + jsonEscaped(instance) + "\"}";
  return r;
}

// If-None-Match holds our ETag (alone, in a list, weak or not) or "*".
bool notModified(const http::HttpRequest& req, std::string_view etag) {
  auto it = req.headers.find("if-none-match");
  if (it == req.headers.end()) return false;
  std::string_view v = it->second;
  auto first = v.find_first_not_of(" \t");
  auto last = v.find_last_not_of(" \t");
  if (first != std::string_view::npos && v.substr(first, last - first + 1) == "*") return true;
  return v.find(etag) != std::string_view::npos;
}

http::HttpResponse assetResponse(const http::HttpRequest& req, const EmbeddedAsset& asset) {
  http::HttpResponse r;
  r.contentType = std::string(asset.contentType);
  r.headers = {{"ETag", std::string(asset.etag)},
               {"Cache-Control", "no-cache"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"}};
  if (asset.name == "index.html") {
    r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    r.headers.emplace_back("X-Frame-Options", "DENY");
  }
  if (notModified(req, asset.etag)) {
    r.status = 304;
    return r;
  }
  r.body.assign(reinterpret_cast<const char*>(asset.data), asset.size);
  return r;
}

}  // namespace

std::optional<http::HttpResponse> dashboardResponse(const http::HttpRequest& req) {
  std::string_view path = req.path;
  bool isIndex = path == "/" || path == "/index.html";
  bool isAsset = path.substr(0, kAssetPrefix.size()) == kAssetPrefix;
  if (!isIndex && !isAsset) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD") {
    http::HttpResponse r =
        problem(405, "Method Not Allowed",
                "the dashboard's files answer GET and HEAD, not " + req.method, req.path);
    r.headers.emplace_back("Allow", "GET, HEAD");
    return r;
  }
  std::string_view name =
      isIndex ? std::string_view("index.html") : path.substr(kAssetPrefix.size());
  const EmbeddedAsset* asset = findAsset(name);
  if (asset == nullptr) {
    return problem(404, "Not Found", "the dashboard has no file '" + std::string(name) + "'",
                   req.path);
  }
  return assetResponse(req, *asset);
}

http::HttpHandler withDashboard(http::HttpHandler next) {
  return [next = std::move(next)](const http::HttpRequest& req) {
    if (auto page = dashboardResponse(req)) return *std::move(page);
    return next(req);
  };
}

}  // namespace ferry::controller::dashboard
