#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/http/http_server.h"
#include "common/json/json.h"
#include "controller/api/request_parsing.h"
#include "controller/store/records.h"

namespace ferry::controller::api {

// The API's view of a stored resource: {kind, id, integration, version, createdAt,
// updatedAt, deleted, resource: <the document as written, null on a tombstone>}.
ferry::Json resourceJson(const store::ResourceRecord& record);

// `"<version>"`: strong, so If-Match can compare it exactly.
std::string etagFor(std::int64_t version);

// The If-Match precondition of a write.
struct IfMatch {
  bool present = false;
  bool any = false;          // If-Match: *
  std::int64_t version = 0;  // present && !any
};
// 400 for anything but `*` or one strong entity tag of ours.
MaybeError parseIfMatch(const ApiRequest& req, IfMatch& out);

// 200 with the envelope and its ETag.
http::HttpResponse resourceResponse(int status, const store::ResourceRecord& record);

}  // namespace ferry::controller::api
