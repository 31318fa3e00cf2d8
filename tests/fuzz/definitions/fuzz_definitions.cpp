// libFuzzer target: the definitions parser and validator on arbitrary bytes. Whatever the
// input, validation must return problems (never crash or throw), a valid document must
// survive the canonical round trip with the same hashes, and the cron, interval and query
// parameter parsers must accept any text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/json/json.h"
#include "common/model/definitions.h"
#include "common/model/query_params.h"
#include "common/schedule/cron_expression.h"
#include "common/schedule/schedule.h"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void fuzzText(const std::string& text) {
  for (const auto& p : ferry::model::queryParameters(text)) {
    check(p.offset + p.length <= text.size() && text[p.offset] == ':');
  }
  if (auto cron = ferry::schedule::CronExpression::parse(text)) {
    auto start = std::chrono::local_seconds{std::chrono::seconds{1700000000}};
    if (auto next = cron->nextAfter(start)) check(*next > start && cron->matches(*next));
  }
  (void)ferry::schedule::parseInterval(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  fuzzText(text);
  ferry::Json doc = ferry::Json::parse(text, nullptr, false);
  if (doc.is_discarded()) return 0;
  ferry::Problems problems;
  auto defs = ferry::model::parseDefinitions(doc, {}, &problems);
  if (!defs) {
    check(ferry::hasErrors(problems));
    return 0;
  }
  ferry::Json canonical = ferry::model::toJson(*defs);
  auto again = ferry::model::parseDefinitions(canonical);
  check(again.isOk());
  check(again->contentHash == defs->contentHash);
  check(ferry::model::toJson(*again) == canonical);
  return 0;
}
