#include "controller/api/resource_json.h"

#include <charconv>

#include "controller/api/problem.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

ferry::Json resourceJson(const store::ResourceRecord& r) {
  ferry::Json out = {
      {"kind", r.kind},
      {"id", r.id},
      {"integration", r.integration.empty() ? ferry::Json(nullptr) : ferry::Json(r.integration)},
      {"version", r.version},
      {"createdAt", isoTimeOrNull(r.createdAtMs)},
      {"updatedAt", isoTimeOrNull(r.updatedAtMs)},
      {"deleted", r.deleted},
      {"resource", r.deleted ? ferry::Json(nullptr) : parseStoredJson(r.document)}};
  return out;
}

std::string etagFor(std::int64_t version) {
  return "\"" + std::to_string(version) + "\"";
}

MaybeError parseIfMatch(const ApiRequest& req, IfMatch& out) {
  auto it = req.http.headers.find("if-match");
  out = IfMatch{};
  if (it == req.http.headers.end()) return std::nullopt;
  std::string v = it->second;
  v.erase(0, v.find_first_not_of(" \t"));
  v.erase(v.find_last_not_of(" \t") + 1);
  out.present = true;
  if (v == "*") {
    out.any = true;
    return std::nullopt;
  }
  std::int64_t version = 0;
  bool ok = v.size() > 2 && v.front() == '"' && v.back() == '"';
  if (ok) {
    auto [ptr, ec] = std::from_chars(v.data() + 1, v.data() + v.size() - 1, version);
    ok = ec == std::errc() && ptr == v.data() + v.size() - 1 && version > 0;
  }
  if (!ok) {
    return problem(400, "If-Match must be * or the ETag of a GET, such as \"3\"; got " + it->second,
                   req.path());
  }
  out.version = version;
  return std::nullopt;
}

http::HttpResponse resourceResponse(int status, const store::ResourceRecord& record) {
  http::HttpResponse r = jsonResponse(status, resourceJson(record));
  r.headers.emplace_back("ETag", etagFor(record.version));
  return r;
}

}  // namespace ferry::controller::api
