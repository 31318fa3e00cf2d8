#pragma once

#include <memory>
#include <string>

#include "common/json/json_fwd.h"
#include "common/schema/problem.h"
#include "common/status/result.h"

namespace ferry::transform {

// A JSON Logic rule (jsonlogic.com) compiled once: operators resolved, `var` paths
// pre-split, literals kept as values. Evaluation never throws and never crashes: an
// evaluation error yields a per-record Status the caller records.
// Thread-safety: a compiled Logic is immutable; evaluate() may run on many threads.
class Logic {
 public:
  // kInvalidArgument naming the offending operator/position on a malformed rule.
  static Result<Logic> compile(const ferry::Json& rule);

  Logic(Logic&&) noexcept;
  Logic& operator=(Logic&&) noexcept;
  ~Logic();

  Result<ferry::Json> evaluate(const ferry::Json& data) const;
  // JsonLogic truthiness of evaluate(); evaluation errors propagate.
  Result<bool> test(const ferry::Json& data) const;

  struct Node;  // implementation detail

 private:
  explicit Logic(std::unique_ptr<Node> root);
  std::unique_ptr<Node> root_;
};

// Appends one problem per malformed part of `rule` (unknown operator, wrong arity, …),
// each with its JSON Pointer under `pointer`. Used by definition validation.
void validateLogic(const ferry::Json& rule, const std::string& pointer, Problems& problems);

}  // namespace ferry::transform
