#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::model {

// One `:name` parameter in a SQL text.
struct QueryParameter {
  std::string name;        // without the colon
  std::size_t offset = 0;  // of the ':'
  std::size_t length = 0;  // ':' + name
};

// The `:name` parameters of `sql` in order (repeats included), so a connector can bind them
// (`$1`, `?`) instead of splicing values. Not parameters: `::` casts, anything inside
// '…' string literals (with '' escapes), "…" and `…` quoted identifiers, $tag$…$tag$
// dollar quotes, -- line comments and /* … */ comments (nested as PostgreSQL does).
std::vector<QueryParameter> queryParameters(std::string_view sql);

}  // namespace ferry::model
