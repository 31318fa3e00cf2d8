#pragma once

// Internal to ferry_transform: the compiled form of a JSON Logic rule, shared by the
// compiler (json_logic.cpp) and the evaluator (json_logic_eval.cpp). Not part of the API.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/json/json.h"
#include "common/transform/json_logic.h"

namespace ferry::transform {

enum class LogicOp {
  kLiteral,
  kArray,
  kVar,
  kMissing,
  kMissingSome,
  kIf,
  kEq,
  kStrictEq,
  kNe,
  kStrictNe,
  kNot,
  kNotNot,
  kOr,
  kAnd,
  kGt,
  kGe,
  kLt,
  kLe,
  kMax,
  kMin,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kIn,
  kCat,
  kSubstr,
  kMerge,
  kMap,
  kFilter,
  kReduce,
  kAll,
  kSome,
  kNone,
  kLog,
};

// A per-record evaluation error ("'/': division by zero"). Thrown only inside the evaluator
// and turned into a Status by Logic::evaluate(), so it never crosses the API.
class LogicEvalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Splits a `var` path at dots ("a.b.0" -> a, b, 0).
std::vector<std::string> splitVarPath(const std::string& path);

struct Logic::Node {
  LogicOp op = LogicOp::kLiteral;
  std::string_view name;          // the operator as written; static storage
  ferry::Json literal;            // kLiteral
  std::vector<Node> args;         // operands (kArray: elements)
  std::vector<std::string> path;  // kVar with a literal path, pre-split
  bool literalPath = false;

  // Throws LogicEvalError for a per-record error (arithmetic without a finite result).
  ferry::Json eval(const ferry::Json& data) const;
  // Like eval, but literals and var lookups with a literal path return a reference into
  // the rule or the data instead of a copy; other results land in `scratch`.
  const ferry::Json& ref(const ferry::Json& data, ferry::Json& scratch) const;

 private:
  ferry::Json arg(std::size_t i, const ferry::Json& data) const {
    return i < args.size() ? args[i].eval(data) : ferry::Json(nullptr);
  }
  const ferry::Json& argRef(std::size_t i, const ferry::Json& data, ferry::Json& scratch) const;
  ferry::Json var(const ferry::Json& data) const;
  ferry::Json missing(const ferry::Json& data, const ferry::Json& keys) const;
  ferry::Json arithmetic(const ferry::Json& data) const;
  ferry::Json minMax(const ferry::Json& data) const;
  ferry::Json compare(const ferry::Json& data) const;
  ferry::Json arrayOp(const ferry::Json& data) const;
  ferry::Json reduce(const ferry::Json& data) const;
  ferry::Json substr(const ferry::Json& data) const;
  [[noreturn]] void fail(const std::string& what) const;
};

}  // namespace ferry::transform
