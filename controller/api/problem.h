#pragma once

#include <string>
#include <vector>

#include "common/http/http_server.h"
#include "common/json/json_fwd.h"
#include "common/schema/problem.h"
#include "common/status/status.h"

namespace ferry::controller::api {

// One field-level problem of a request body (RFC 9457 extension member `errors`).
struct FieldProblem {
  std::string pointer;  // RFC 6901 into the request body; "" for the whole body
  std::string detail;
};

// An `application/problem+json` response (RFC 9457): type about:blank, the status's title,
// `detail` for a person, `instance` = the request path, and `errors` when there are any.
http::HttpResponse problem(int status, const std::string& detail, const std::string& instance,
                           const std::vector<FieldProblem>& errors = {});

// The HTTP status a store or model Status stands for: kNotFound 404, kAlreadyExists 409,
// kFailedPrecondition 409, kInvalidArgument 400, kUnavailable/kAborted 503 (with
// Retry-After), anything else 500 (the detail then hides internals).
http::HttpResponse problemFromStatus(const Status& status, const std::string& instance);

// The validation errors (warnings left out) as field problems.
std::vector<FieldProblem> fieldProblems(const Problems& problems);

// "Not Found" for 404, …
const char* statusTitle(int status);

// A JSON body with the given status.
http::HttpResponse jsonResponse(int status, const ferry::Json& body);
// A response whose body is already serialized JSON.
http::HttpResponse jsonTextResponse(int status, std::string body);

}  // namespace ferry::controller::api
