#include "common/transform/json_logic.h"

#include <string_view>

#include "common/json/json.h"
#include "common/json/json_pointer.h"
#include "common/schema/suggest.h"
#include "common/transform/js_semantics.h"
#include "common/transform/json_logic_node.h"

// Compiling and validating rules; evaluation lives in json_logic_eval.cpp.
namespace ferry::transform {

using json = ferry::Json;
using Op = LogicOp;

std::vector<std::string> splitVarPath(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

namespace {

struct OpName {
  std::string_view name;
  Op op;
};

constexpr OpName kOps[] = {
    {"var", Op::kVar},
    {"missing", Op::kMissing},
    {"missing_some", Op::kMissingSome},
    {"if", Op::kIf},
    {"?:", Op::kIf},
    {"==", Op::kEq},
    {"===", Op::kStrictEq},
    {"!=", Op::kNe},
    {"!==", Op::kStrictNe},
    {"!", Op::kNot},
    {"!!", Op::kNotNot},
    {"or", Op::kOr},
    {"and", Op::kAnd},
    {">", Op::kGt},
    {">=", Op::kGe},
    {"<", Op::kLt},
    {"<=", Op::kLe},
    {"max", Op::kMax},
    {"min", Op::kMin},
    {"+", Op::kAdd},
    {"-", Op::kSub},
    {"*", Op::kMul},
    {"/", Op::kDiv},
    {"%", Op::kMod},
    {"in", Op::kIn},
    {"cat", Op::kCat},
    {"substr", Op::kSubstr},
    {"merge", Op::kMerge},
    {"map", Op::kMap},
    {"filter", Op::kFilter},
    {"reduce", Op::kReduce},
    {"all", Op::kAll},
    {"some", Op::kSome},
    {"none", Op::kNone},
    {"log", Op::kLog},
};

// Deep enough for any rule a person writes; shallow enough that evaluation cannot
// exhaust the stack on hostile input.
constexpr int kMaxDepth = 200;

const OpName* findOp(std::string_view name) {
  for (const auto& o : kOps) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

std::vector<std::string> operatorNames() {
  std::vector<std::string> out;
  for (const auto& o : kOps) out.emplace_back(o.name);
  return out;
}

bool isLogic(const json& rule) {
  return rule.is_object() && rule.size() == 1;
}

Result<Logic::Node> compileNode(const json& rule, int depth, const std::string& pointer) {
  if (depth > kMaxDepth) {
    return Status::invalidArgument(pointer + ": rule nested deeper than " +
                                   std::to_string(kMaxDepth) + " levels");
  }
  Logic::Node node;
  if (rule.is_array()) {
    node.op = Op::kArray;
    for (std::size_t i = 0; i < rule.size(); ++i) {
      auto child = compileNode(rule[i], depth + 1, jsonptr::appendIndex(pointer, i));
      if (!child) return child.status();
      node.args.push_back(std::move(*child));
    }
    return node;
  }
  if (!isLogic(rule)) {
    node.literal = rule;
    return node;
  }
  const std::string& name = rule.begin().key();
  const OpName* op = findOp(name);
  std::string where = jsonptr::appendToken(pointer, name);
  if (!op) {
    std::string message = where + ": unknown JSON Logic operator '" + name + "'";
    if (auto guess = closestMatch(name, operatorNames()))
      message += "; did you mean '" + *guess + "'?";
    return Status::invalidArgument(message);
  }
  node.op = op->op;
  node.name = op->name;
  const json& values = rule.begin().value();
  if (values.is_array()) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      auto child = compileNode(values[i], depth + 1, jsonptr::appendIndex(where, i));
      if (!child) return child.status();
      node.args.push_back(std::move(*child));
    }
  } else {
    auto child = compileNode(values, depth + 1, where);
    if (!child) return child.status();
    node.args.push_back(std::move(*child));
  }
  if (node.op == Op::kVar && !node.args.empty() && node.args[0].op == Op::kLiteral) {
    const json& p = node.args[0].literal;
    if (p.is_string() || p.is_number()) {
      std::string text = js::toString(p);
      node.literalPath = true;
      if (!text.empty()) node.path = splitVarPath(text);
    } else if (p.is_null()) {
      node.literalPath = true;
    }
  }
  return node;
}

}  // namespace

Logic::Logic(std::unique_ptr<Node> root) : root_(std::move(root)) {}
Logic::Logic(Logic&&) noexcept = default;
Logic& Logic::operator=(Logic&&) noexcept = default;
Logic::~Logic() = default;

Result<Logic> Logic::compile(const json& rule) {
  auto node = compileNode(rule, 0, "");
  if (!node) return node.status();
  return Logic(std::make_unique<Node>(std::move(*node)));
}

Result<json> Logic::evaluate(const json& data) const {
  try {
    return root_->eval(data);
  } catch (const LogicEvalError& e) {
    return Status::invalidArgument(std::string("JSON Logic ") + e.what());
  } catch (const std::exception& e) {
    // nlohmann throws on impossible conversions; a rule must never take a flow down.
    return Status::invalidArgument(std::string("JSON Logic evaluation failed: ") + e.what());
  }
}

Result<bool> Logic::test(const json& data) const {
  auto v = evaluate(data);
  if (!v) return v.status();
  return js::truthy(*v);
}

void validateLogic(const json& rule, const std::string& pointer, Problems& problems) {
  // compileNode stops at the first problem; walk the rule to report every unknown operator.
  struct Walker {
    Problems& problems;
    void walk(const json& r, const std::string& p, int depth) {
      if (depth > kMaxDepth) {
        problems.push_back(
            {p, "JSON Logic rule nested deeper than " + std::to_string(kMaxDepth) + " levels"});
        return;
      }
      if (r.is_array()) {
        for (std::size_t i = 0; i < r.size(); ++i)
          walk(r[i], jsonptr::appendIndex(p, i), depth + 1);
        return;
      }
      if (!isLogic(r)) return;
      const std::string& name = r.begin().key();
      std::string where = jsonptr::appendToken(p, name);
      if (!findOp(name)) {
        std::string message = "unknown JSON Logic operator '" + name + "'";
        if (auto guess = closestMatch(name, operatorNames())) {
          message += "; did you mean '" + *guess + "'?";
        }
        problems.push_back({where, message});
        return;
      }
      walk(r.begin().value(), where, depth + 1);
    }
  };
  Walker{problems}.walk(rule, pointer, 0);
}

}  // namespace ferry::transform
