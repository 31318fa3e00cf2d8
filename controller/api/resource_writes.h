#pragma once

#include <string>

#include "common/http/http_server.h"
#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/request_parsing.h"
#include "controller/api/router.h"

// The CRUD behind /resources and /integrations (integrations are resources of kind
// "integration"): versions, ETag/If-Match, validation in the context of every resource.
namespace ferry::controller::api {

// 404 with the known kinds when `kind` is not a resource kind.
MaybeError checkKind(const ApiRequest& req, const std::string& kind);

http::HttpResponse getResource(const ApiContext& ctx, const ApiRequest& req,
                               const std::string& kind, const std::string& id);

// PUT (create or replace; If-Match optional) or, with createOnly, POST (409 if it lives).
// The body is the resource JSON; its kind and id, when given, must equal `kind` and `id`.
// 201 when it creates, 200 when it replaces; 422 with every problem of the resource,
// 409 when the change would break other resources, 412 when If-Match does not hold.
http::HttpResponse writeResource(const ApiContext& ctx, const ApiRequest& req,
                                 const std::string& kind, const std::string& id,
                                 const ferry::Json& body, bool createOnly);

// 204; 409 when other resources still reference it; 412 when If-Match does not hold.
http::HttpResponse deleteResource(const ApiContext& ctx, const ApiRequest& req,
                                  const std::string& kind, const std::string& id);

http::HttpResponse resourceHistory(const ApiContext& ctx, const ApiRequest& req,
                                   const std::string& kind, const std::string& id);

http::HttpResponse listResources(const ApiContext& ctx, const ApiRequest& req,
                                 const std::string& kind, const std::string& integration);

}  // namespace ferry::controller::api
