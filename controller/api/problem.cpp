#include "controller/api/problem.h"

#include "common/json/json.h"

namespace ferry::controller::api {

const char* statusTitle(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return status < 500 ? "Bad Request" : "Internal Server Error";
  }
}

http::HttpResponse jsonResponse(int status, const ferry::Json& body) {
  http::HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, ferry::Json::error_handler_t::replace);
  return r;
}

http::HttpResponse jsonTextResponse(int status, std::string body) {
  http::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::HttpResponse problem(int status, const std::string& detail, const std::string& instance,
                           const std::vector<FieldProblem>& errors) {
  ferry::Json body = {{"type", "about:blank"},
                      {"title", statusTitle(status)},
                      {"status", status},
                      {"detail", detail},
                      {"instance", instance}};
  if (!errors.empty()) {
    auto& list = body["errors"] = ferry::Json::array();
    for (const auto& e : errors) list.push_back({{"pointer", e.pointer}, {"detail", e.detail}});
  }
  http::HttpResponse r = jsonResponse(status, body);
  r.contentType = "application/problem+json";
  return r;
}

http::HttpResponse problemFromStatus(const Status& status, const std::string& instance) {
  switch (status.code()) {
    case StatusCode::kNotFound: return problem(404, status.message(), instance);
    case StatusCode::kAlreadyExists: return problem(409, status.message(), instance);
    case StatusCode::kFailedPrecondition: return problem(409, status.message(), instance);
    case StatusCode::kInvalidArgument: return problem(400, status.message(), instance);
    case StatusCode::kUnavailable:
    case StatusCode::kAborted:
    case StatusCode::kResourceExhausted:
    case StatusCode::kDeadlineExceeded: {
      // The store is busy or its connection dropped: the same request can succeed later.
      http::HttpResponse r = problem(503, "the store is unavailable, retry later", instance);
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    default: return problem(500, "internal error, see the controller log", instance);
  }
}

std::vector<FieldProblem> fieldProblems(const Problems& problems) {
  std::vector<FieldProblem> out;
  for (const auto& p : problems) {
    if (p.isError()) out.push_back({p.pointer, p.message});
  }
  return out;
}

}  // namespace ferry::controller::api
