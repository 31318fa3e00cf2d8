#include "controller/api/time_format.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include "common/json/json.h"
#include "common/json/json_writer.h"

namespace ferry::controller::api {

std::string isoTime(std::int64_t epochMs) {
  std::string out;
  json::appendIsoTime(out, epochMs);
  return out;
}

ferry::Json isoTimeOrNull(std::int64_t epochMs) {
  if (epochMs == 0) return nullptr;
  return isoTime(epochMs);
}

std::optional<std::int64_t> parseIsoTime(const std::string& text) {
  Poco::DateTime dt;
  int tzd = 0;
  // A date alone or a time without a zone would be read as UTC silently: ask for the "T".
  if (text.size() < 20 || text[10] != 'T') return std::nullopt;
  if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, text, dt, tzd)) {
    return std::nullopt;
  }
  dt.makeUTC(tzd);
  return dt.timestamp().epochMicroseconds() / 1000;
}

}  // namespace ferry::controller::api
