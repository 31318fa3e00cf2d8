#include "agent/connectors/http/export_spec.h"

#include <map>

#include "agent/connectors/http/http_options.h"
#include "common/model/query_params.h"

namespace ferry::agent::connectors::http {

using json = ferry::Json;
using transform::RecordPath;

namespace {

// paging.style and the fields it needs.
Status readPaging(const json& paging, ExportSpec& s) {
  const std::string style = textOption(paging, "style");
  const std::map<std::string, Paging> styles = {
      {"", Paging::kNone},     {"none", Paging::kNone},     {"cursor", Paging::kCursor},
      {"page", Paging::kPage}, {"offset", Paging::kOffset}, {"link", Paging::kLink}};
  auto found = styles.find(style);
  if (found == styles.end()) {
    return Status::invalidArgument(s.where + ": /paging/style: unknown style \"" + style + "\"");
  }
  s.style = found->second;
  s.param = textOption(paging, "param");
  s.sizeParam = textOption(paging, "sizeParam");
  auto field = pathOption(paging, "field", s.where, "/paging");
  if (!field.isOk()) return field.status();
  s.cursorField = std::move(*field);
  if (s.style == Paging::kCursor && !s.cursorField) {
    return Status::invalidArgument(s.where +
                                   ": /paging/field: style \"cursor\" needs the response path "
                                   "of the next cursor");
  }
  if ((s.style == Paging::kCursor || s.style == Paging::kPage || s.style == Paging::kOffset) &&
      s.param.empty()) {
    return Status::invalidArgument(s.where + ": /paging/param: style \"" + style +
                                   "\" needs the request parameter that carries it");
  }
  return Status::ok();
}

}  // namespace

const char* positionKey(Paging style) {
  switch (style) {
    case Paging::kCursor: return "cursor";
    case Paging::kPage: return "page";
    case Paging::kOffset: return "offset";
    case Paging::kLink: return "next";
    case Paging::kNone: break;
  }
  return "";
}

Result<ExportSpec> readExportSpec(const model::Export& e) {
  ExportSpec s;
  s.id = e.id;
  s.where = "export " + e.id;
  const json& o = e.options;
  s.path = textOption(o, "path");
  if (s.path.empty()) return Status::invalidArgument(s.where + ": /path: missing");
  if (auto m = textOption(o, "method"); !m.empty()) s.method = m;
  if (auto p = o.find("params"); p != o.end() && p->is_object()) s.params = *p;
  for (auto it = s.params.begin(); it != s.params.end(); ++it) {
    if (it->is_object() || it->is_array() || it->is_null()) {
      return Status::invalidArgument(s.where + ": /params/" + it.key() +
                                     ": must be a string, number or boolean");
    }
  }
  if (auto b = o.find("body"); b != o.end()) s.body = *b;
  auto records = pathOption(o, "records", s.where);
  if (!records.isOk()) return records.status();
  s.records = std::move(*records);
  FERRY_RETURN_IF_ERROR(readPaging(o.value("paging", json::object()), s));
  s.pageSize = e.pageSize;
  if (e.delta) {
    auto delta = RecordPath::parse(e.delta->field);
    if (!delta.isOk()) {
      return Status::invalidArgument(s.where + ": /delta/field: " + delta.status().message());
    }
    s.deltaField = std::move(*delta);
    s.initial = e.delta->initial;
  }
  return s;
}

std::string withSince(const std::string& value, const std::string& since) {
  std::string out = value;
  const auto params = model::queryParameters(value);
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it->name == "since") out.replace(it->offset, it->length, since);
  }
  return out;
}

bool fitsStyle(const json& position, Paging style) {
  switch (style) {
    case Paging::kPage:
    case Paging::kOffset: return position.is_number_integer();
    case Paging::kCursor: return position.is_string() || position.is_number();
    case Paging::kLink: return position.is_string();
    case Paging::kNone: break;
  }
  return false;
}

bool mentionsSince(const std::string& value) {
  for (const auto& p : model::queryParameters(value)) {
    if (p.name == "since") return true;
  }
  return false;
}

json bodyWithSince(const json& body, const json& since) {
  if (body.is_string() && body.get<std::string>() == ":since") return since;
  json out = body;
  if (out.is_structured()) {
    for (auto& child : out) child = bodyWithSince(child, since);
  }
  return out;
}

}  // namespace ferry::agent::connectors::http
