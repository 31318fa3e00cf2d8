#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http_server.h"

namespace ferry::controller::api {

// What a route handler gets: the request, the decoded path parameters and query parameters.
struct ApiRequest {
  const http::HttpRequest& http;
  std::string route;                          // the matched template, "/api/v1/agents/{id}"
  std::map<std::string, std::string> params;  // {id} → value, percent-decoded
  std::map<std::string, std::string> query;   // percent-decoded, '+' as space

  const std::string& path() const { return http.path; }
  const std::string& param(const std::string& name) const;  // "" when absent
  std::string queryValue(const std::string& name, const std::string& fallback = "") const;
  std::string header(const std::string& lowerCaseName) const;  // "" when absent
};

using RouteHandler = std::function<http::HttpResponse(const ApiRequest&)>;

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/resources/{kind}/{id}"
  RouteHandler handler;
  bool isPublic = false;  // answered without a token
};

// Method + path-pattern dispatch. Segments are literal or `{name}`; a literal segment wins
// over a parameter where both match (POST /errors/retry vs GET /errors/{id}).
class Router {
 public:
  void add(std::string method, std::string pattern, RouteHandler handler, bool isPublic = false);

  struct Match {
    enum class Kind { kFound, kNoRoute, kWrongMethod, kBadPath };
    Kind kind = Kind::kNoRoute;
    const Route* route = nullptr;               // kFound
    std::map<std::string, std::string> params;  // kFound
    std::vector<std::string> allowed;           // kWrongMethod: methods the path answers
    std::string error;                          // kBadPath: why the path cannot be decoded
  };
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // routes_[i].pattern split at '/'
};

// Percent-decodes `in` ('+' as a space when plusAsSpace); false on a malformed escape.
bool percentDecode(std::string_view in, std::string& out, bool plusAsSpace);

// Splits a raw query string into decoded name → value (the last repeat wins). kBadPath-like
// errors come back as false with `error` set.
bool parseQueryString(std::string_view raw, std::map<std::string, std::string>& out,
                      std::string& error);

}  // namespace ferry::controller::api
