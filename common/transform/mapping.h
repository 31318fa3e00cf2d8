#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/json/json_fwd.h"
#include "common/schema/problem.h"
#include "common/status/result.h"

namespace ferry::transform {

// A mapping (DESIGN.md "Mapping rules": from, value, expr, to, type, default, required)
// compiled once per definition: paths pre-split, expressions pre-compiled.
// Thread-safety: immutable after compile(); apply() may run on many threads.
class Mapping {
 public:
  // `rules` is the JSON array of rules; kInvalidArgument with the first problem's pointer.
  static Result<Mapping> compile(const ferry::Json& rules);

  Mapping(Mapping&&) noexcept;
  Mapping& operator=(Mapping&&) noexcept;
  ~Mapping();

  // Builds the output record. A missing required field or a failed conversion is a
  // per-record kInvalidArgument naming the field (`to`).
  Result<ferry::Json> apply(const ferry::Json& record) const;

  struct Impl;  // implementation detail

 private:
  explicit Mapping(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Appends one problem per malformed rule, each with its JSON Pointer under `pointer`
// (e.g. "/resources/4/mapping/2/type: unknown type 'int'; did you mean 'integer'?").
void validateMapping(const ferry::Json& rules, const std::string& pointer, Problems& problems);

}  // namespace ferry::transform
