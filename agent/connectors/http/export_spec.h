#pragma once

#include <optional>
#include <string>

#include "common/json/json.h"
#include "common/model/resources.h"
#include "common/status/result.h"
#include "common/transform/record_path.h"

// What an http export asks for (its `options`, read once when it opens) and the small
// rules of `:since` and paging positions that the source applies.
namespace ferry::agent::connectors::http {

enum class Paging { kNone, kCursor, kPage, kOffset, kLink };

struct ExportSpec {
  std::string id;
  std::string where;  // "export shop-orders", for messages
  std::string path;
  std::string method = "GET";
  ferry::Json params = ferry::Json::object();    // values: strings, numbers, booleans
  ferry::Json body;                              // null: no body
  std::optional<transform::RecordPath> records;  // none: the body is the array
  Paging style = Paging::kNone;
  std::optional<transform::RecordPath> cursorField;  // kCursor
  std::string param;                                 // kCursor, kPage, kOffset
  std::string sizeParam;                             // "": the page size is not sent
  int pageSize = 500;
  std::optional<transform::RecordPath> deltaField;  // none: not a delta export
  ferry::Json initial;                              // delta.initial
};

// kInvalidArgument naming the export and the field: a paging style without the fields it
// needs, a malformed path, a parameter value that is an object, array or null.
Result<ExportSpec> readExportSpec(const model::Export& exportDef);

// The progress key that holds the next page's position for a style; "" for kNone.
const char* positionKey(Paging style);

// Can `position` continue a run of `style`? Progress written under another style (the
// export was edited) cannot: the next read starts a new run instead.
bool fitsStyle(const ferry::Json& position, Paging style);

// Does a parameter value use `:since` (found as `check` finds query parameters)?
bool mentionsSince(const std::string& value);
// `value` with each `:since` replaced by `since`.
std::string withSince(const std::string& value, const std::string& since);
// A POST body with every string value ":since" replaced by the watermark (as JSON).
ferry::Json bodyWithSince(const ferry::Json& body, const ferry::Json& since);

}  // namespace ferry::agent::connectors::http
