#include "agent/connectors/listener/listener_records.h"

#include <string>

#include "common/json/json.h"

namespace ferry::agent::connectors::listener {

namespace {

struct TooDeep {};

// nlohmann's messages start with "[json.exception.parse_error.101] "; the id helps nobody
// who posts a webhook.
std::string withoutExceptionId(const std::string& what) {
  auto close = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && close != std::string::npos
             ? what.substr(close + 2)
             : what;
}

// "a string", "an array", … for messages.
std::string kindOf(const ferry::Json& v) {
  std::string name = v.type_name();  // null, boolean, number, string, array, object
  return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}

}  // namespace

Result<std::vector<ferry::Json>> parseListenerBody(std::string_view body) {
  ferry::Json doc;
  try {
    // The callback sees every value as it opens, so a deep body is refused before the
    // parser has built it.
    doc = ferry::Json::parse(body.begin(), body.end(),
                             [](int depth, ferry::Json::parse_event_t event, auto&) {
                               if ((event == ferry::Json::parse_event_t::object_start ||
                                    event == ferry::Json::parse_event_t::array_start) &&
                                   depth >= kMaxRecordDepth) {
                                 throw TooDeep{};
                               }
                               return true;
                             });
  } catch (const ferry::Json::parse_error& e) {
    return Status::invalidArgument("the body is not valid JSON (at byte " + std::to_string(e.byte) +
                                   "): " + withoutExceptionId(e.what()));
  } catch (const TooDeep&) {
    return Status::invalidArgument("the body nests objects or arrays deeper than " +
                                   std::to_string(kMaxRecordDepth) + " levels");
  }
  std::vector<ferry::Json> records;
  if (doc.is_object()) {
    records.push_back(std::move(doc));
    return records;
  }
  if (!doc.is_array()) {
    return Status::invalidArgument("the body is " + kindOf(doc) +
                                   "; expected an object (one record) or an array of objects");
  }
  records.reserve(doc.size());
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (!doc[i].is_object()) {
      return Status::invalidArgument("element " + std::to_string(i) + " of the array is " +
                                     kindOf(doc[i]) + ", not an object (a record)");
    }
    records.push_back(std::move(doc[i]));
  }
  return records;
}

}  // namespace ferry::agent::connectors::listener
