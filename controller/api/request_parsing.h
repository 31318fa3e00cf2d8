#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include "common/http/http_server.h"
#include "common/json/json.h"
#include "controller/api/router.h"

// Request checks shared by the route handlers. Each returns the error response to send,
// or nullopt when the request is fine and the output parameter is set.
namespace ferry::controller::api {

using MaybeError = std::optional<http::HttpResponse>;

// The body as a JSON object: 400 for malformed JSON (with the byte offset, line and column),
// 422 when the JSON is not an object.
MaybeError parseJsonObjectBody(const ApiRequest& req, ferry::Json& out);

// 400 naming an unknown query parameter (typos must not silently widen a list).
MaybeError checkQueryNames(const ApiRequest& req, std::initializer_list<const char*> allowed);

// `limit`: 1..max, `fallback` when absent; 400 otherwise.
MaybeError parseLimit(const ApiRequest& req, std::size_t fallback, std::size_t max,
                      std::size_t& out);

// An RFC 3339 time in query parameter `name` as epoch ms; 0 when absent; 400 otherwise.
MaybeError parseTimeQuery(const ApiRequest& req, const std::string& name, std::int64_t& out);

// A JSON document stored as text, parsed for a response; null when empty or unparsable.
ferry::Json parseStoredJson(const std::string& text);

}  // namespace ferry::controller::api
