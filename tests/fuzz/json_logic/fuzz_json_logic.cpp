// libFuzzer target: the input is "<rule JSON>\n<data JSON>". Any rule must compile or be
// rejected with a Status, and evaluation must return a value or a Status: never crash,
// hang or leak (ASan and UBSan are on in the fuzz build).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json/json.h"
#include "common/transform/json_logic.h"
#include "common/transform/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(bytes), size);
  auto newline = input.find('\n');
  std::string_view ruleText = input.substr(0, newline);
  std::string_view dataText =
      newline == std::string_view::npos ? "null" : input.substr(newline + 1);
  auto rule = ferry::Json::parse(ruleText, nullptr, false);
  auto data = ferry::Json::parse(dataText, nullptr, false);
  if (rule.is_discarded()) return 0;
  if (data.is_discarded()) data = nullptr;
  ferry::Problems problems;
  ferry::transform::validateLogic(rule, "", problems);
  if (auto logic = ferry::transform::Logic::compile(rule)) {
    auto value = logic->evaluate(data);
    if (value) (void)value->dump(-1, ' ', false, ferry::Json::error_handler_t::replace);
    (void)logic->test(data);
  }
  // The same bytes as a mapping: rules compile or are rejected, records map or fail.
  if (rule.is_array()) {
    ferry::transform::validateMapping(rule, "", problems);
    if (auto mapping = ferry::transform::Mapping::compile(rule)) (void)mapping->apply(data);
  }
  return 0;
}
