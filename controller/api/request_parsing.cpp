#include "controller/api/request_parsing.h"

#include <charconv>

#include "controller/api/problem.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

namespace {

// "line 1, column 5" from a byte offset (1-based, as editors count).
std::string lineAndColumn(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

MaybeError parseJsonObjectBody(const ApiRequest& req, ferry::Json& out) {
  // Content-Type is not checked: `curl -d` sends form-urlencoded by default, and the body
  // is JSON or a 400 that says where it is not.
  if (req.http.body.empty()) {
    return problem(400, "the request needs a JSON object body", req.path());
  }
  try {
    out = ferry::Json::parse(req.http.body);
  } catch (const ferry::Json::parse_error& e) {
    // e.byte is 1-based: the position of the character where parsing stopped. what() starts
    // with the library's own prefix and position, which the message gives already.
    std::string why = e.what();
    if (auto at = why.find(": ", why.find("column")); at != std::string::npos) {
      why = why.substr(at + 2);
    }
    return problem(400,
                   "malformed JSON at byte " + std::to_string(e.byte) + " (" +
                       lineAndColumn(req.http.body, e.byte) + "): " + why,
                   req.path());
  }
  if (!out.is_object()) {
    return problem(422, "the body must be a JSON object", req.path(),
                   {{"", std::string("expected an object, got ") + out.type_name()}});
  }
  return std::nullopt;
}

MaybeError checkQueryNames(const ApiRequest& req, std::initializer_list<const char*> allowed) {
  for (const auto& [name, value] : req.query) {
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      known = known || name == a;
      list += list.empty() ? a : std::string(", ") + a;
    }
    if (!known) {
      return problem(400,
                     "unknown query parameter '" + name + "'" +
                         (list.empty() ? " (this route takes none)" : " (known: " + list + ")"),
                     req.path());
    }
  }
  return std::nullopt;
}

MaybeError parseLimit(const ApiRequest& req, std::size_t fallback, std::size_t max,
                      std::size_t& out) {
  std::string text = req.queryValue("limit");
  if (text.empty()) {
    out = fallback;
    return std::nullopt;
  }
  std::size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value == 0 || value > max) {
    return problem(
        400, "limit must be an integer from 1 to " + std::to_string(max) + ", not '" + text + "'",
        req.path());
  }
  out = value;
  return std::nullopt;
}

MaybeError parseTimeQuery(const ApiRequest& req, const std::string& name, std::int64_t& out) {
  std::string text = req.queryValue(name);
  out = 0;
  if (text.empty()) return std::nullopt;
  auto ms = parseIsoTime(text);
  if (!ms) {
    return problem(
        400, name + " must be an RFC 3339 time such as 2026-01-02T03:04:05Z, not '" + text + "'",
        req.path());
  }
  out = *ms;
  return std::nullopt;
}

ferry::Json parseStoredJson(const std::string& text) {
  if (text.empty()) return nullptr;
  auto value = ferry::Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? ferry::Json(nullptr) : value;
}

}  // namespace ferry::controller::api
