#pragma once

#include <string_view>
#include <vector>

#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::listener {

// Nesting deeper than this is refused: the queue serialises records recursively, so an
// unbounded depth would let one request exhaust a worker's stack.
inline constexpr int kMaxRecordDepth = 128;

// The records of one webhook body: a JSON object is one record, an array of objects is one
// record per element (an empty array: none). kInvalidArgument, for a 400, says what is
// wrong and where: the parser's line, column and byte; the index of an element that is not
// an object; a body that is neither object nor array; nesting deeper than kMaxRecordDepth.
Result<std::vector<ferry::Json>> parseListenerBody(std::string_view body);

}  // namespace ferry::agent::connectors::listener
