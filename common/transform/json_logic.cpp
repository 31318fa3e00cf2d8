#include "common/transform/json_logic.h"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "common/json/json_pointer.h"
#include "common/schema/suggest.h"
#include "common/transform/js_semantics.h"

namespace ferry::transform {

using nlohmann::json;

namespace {

enum class Op {
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

std::vector<std::string> splitPath(const std::string& path) {
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

// Looks up one step of a var path the way JS property access does on JSON values.
const json* step(const json* data, const std::string& key) {
  if (data->is_object()) {
    auto it = data->find(key);
    return it == data->end() ? nullptr : &*it;
  }
  if (data->is_array()) {
    if (key.empty() || key.size() > 9) return nullptr;
    std::size_t index = 0;
    for (char c : key) {
      if (c < '0' || c > '9') return nullptr;
      index = index * 10 + static_cast<std::size_t>(c - '0');
    }
    if (key.size() > 1 && key[0] == '0') return nullptr;
    return index < data->size() ? &(*data)[index] : nullptr;
  }
  return nullptr;
}

// UTF-8 aware substr: indexes count code points, as users of non-ASCII text expect.
std::vector<std::size_t> codePointOffsets(const std::string& s) {
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

std::string substrJs(const std::string& s, double start, std::optional<double> length) {
  auto offsets = codePointOffsets(s);
  long long n = static_cast<long long>(offsets.size()) - 1;
  // Clamp in floating point first: converting a huge double to an integer is undefined
  // behaviour (found by the fuzzer: {"substr":["x",-4.7e39]}).
  auto clampToInt = [n](double d) {
    if (std::isnan(d)) return 0LL;
    double limit = static_cast<double>(n) + 1;
    return static_cast<long long>(std::trunc(std::clamp(d, -limit, limit)));
  };
  long long from = clampToInt(start);
  if (from < 0) from = std::max(0LL, n + from);
  from = std::min(from, n);
  long long count = n - from;
  if (length) {
    long long l = clampToInt(*length);
    count = std::min(std::max(l, 0LL), n - from);
  }
  return s.substr(
      offsets[static_cast<std::size_t>(from)],
      offsets[static_cast<std::size_t>(from + count)] - offsets[static_cast<std::size_t>(from)]);
}

}  // namespace

struct Logic::Node {
  Op op = Op::kLiteral;
  json literal;                   // kLiteral
  std::vector<Node> args;         // operands (kArray: elements)
  std::vector<std::string> path;  // kVar with a literal path, pre-split
  bool literalPath = false;

  json eval(const json& data) const;
  // Like eval, but literals and var lookups with a literal path return a reference into
  // the rule or the data instead of a copy; other results land in `scratch`.
  const json& ref(const json& data, json& scratch) const;

 private:
  json arg(std::size_t i, const json& data) const {
    return i < args.size() ? args[i].eval(data) : json(nullptr);
  }
  const json& argRef(std::size_t i, const json& data, json& scratch) const {
    if (i >= args.size()) {
      scratch = nullptr;
      return scratch;
    }
    return args[i].ref(data, scratch);
  }
  json var(const json& data) const;
  json missing(const json& data, const json& keys) const;
};

namespace {

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
      if (!text.empty()) node.path = splitPath(text);
    } else if (p.is_null()) {
      node.literalPath = true;
    }
  }
  return node;
}

}  // namespace

json Logic::Node::var(const json& data) const {
  json fallback = args.size() > 1 ? args[1].eval(data) : json(nullptr);
  std::vector<std::string> dynamicPath;
  const std::vector<std::string>* parts = &path;
  if (!literalPath) {
    json p = arg(0, data);
    if (p.is_null() || (p.is_string() && p.get_ref<const std::string&>().empty())) return data;
    dynamicPath = splitPath(js::toString(p));
    parts = &dynamicPath;
  }
  if (parts->empty()) return data;
  const json* cur = &data;
  for (const auto& key : *parts) {
    if (cur->is_null()) return fallback;
    cur = step(cur, key);
    if (!cur) return fallback;
  }
  return *cur;
}

const json& Logic::Node::ref(const json& data, json& scratch) const {
  if (op == Op::kLiteral) return literal;
  if (op == Op::kVar && literalPath && args.size() < 2) {
    if (path.empty()) return data;
    const json* cur = &data;
    for (const auto& key : path) {
      if (cur->is_null() || !(cur = step(cur, key))) {
        scratch = nullptr;
        return scratch;
      }
    }
    return *cur;
  }
  scratch = eval(data);
  return scratch;
}

json Logic::Node::missing(const json& data, const json& keys) const {
  json out = json::array();
  for (const auto& key : keys) {
    Node lookup;
    lookup.op = Op::kVar;
    lookup.literalPath = true;
    std::string text = js::toString(key);
    if (!text.empty()) lookup.path = splitPath(text);
    json value = lookup.var(data);
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
      out.push_back(key);
    }
  }
  return out;
}

json Logic::Node::eval(const json& data) const {
  switch (op) {
    case Op::kLiteral: return literal;
    case Op::kArray: {
      json out = json::array();
      for (const auto& a : args) out.push_back(a.eval(data));
      return out;
    }
    case Op::kVar: return var(data);
    case Op::kMissing: {
      json first = arg(0, data);
      if (first.is_array()) return missing(data, first);
      json keys = json::array();
      for (const auto& a : args) keys.push_back(a.eval(data));
      return missing(data, keys);
    }
    case Op::kMissingSome: {
      double need = js::toNumber(arg(0, data));
      json keys = arg(1, data);
      if (!keys.is_array()) keys = json::array({keys});
      json absent = missing(data, keys);
      return static_cast<double>(keys.size() - absent.size()) >= need ? json::array() : absent;
    }
    case Op::kIf: {
      std::size_t i = 0;
      for (; i + 1 < args.size(); i += 2) {
        if (js::truthy(args[i].eval(data))) return args[i + 1].eval(data);
      }
      return i < args.size() ? args[i].eval(data) : json(nullptr);
    }
    case Op::kEq:
    case Op::kStrictEq:
    case Op::kNe:
    case Op::kStrictNe: {
      json s0, s1;
      const json& a = argRef(0, data, s0);
      const json& b = argRef(1, data, s1);
      bool equal =
          (op == Op::kEq || op == Op::kNe) ? js::looseEquals(a, b) : js::strictEquals(a, b);
      return (op == Op::kEq || op == Op::kStrictEq) ? equal : !equal;
    }
    case Op::kNot:
    case Op::kNotNot: {
      json s0;
      bool t = js::truthy(argRef(0, data, s0));
      return op == Op::kNot ? !t : t;
    }
    case Op::kOr: {
      json current;
      for (const auto& a : args) {
        current = a.eval(data);
        if (js::truthy(current)) return current;
      }
      return current;
    }
    case Op::kAnd: {
      json current;
      for (const auto& a : args) {
        current = a.eval(data);
        if (!js::truthy(current)) return current;
      }
      return current;
    }
    case Op::kLt:
    case Op::kLe: {
      auto cmp = op == Op::kLt ? js::lessThan : js::lessOrEqual;
      json a = arg(0, data), b = arg(1, data);
      if (args.size() < 3) return cmp(a, b);
      return cmp(a, b) && cmp(b, arg(2, data));
    }
    case Op::kGt: return js::lessThan(arg(1, data), arg(0, data));
    case Op::kGe: return js::lessOrEqual(arg(1, data), arg(0, data));
    case Op::kMax:
    case Op::kMin: {
      if (args.empty()) return nullptr;
      double best = op == Op::kMax ? -INFINITY : INFINITY;
      for (const auto& a : args) {
        double v = js::toNumber(a.eval(data));
        if (std::isnan(v)) return nullptr;
        best = op == Op::kMax ? std::max(best, v) : std::min(best, v);
      }
      return js::number(best);
    }
    case Op::kAdd: {
      double sum = 0;
      json scratch;
      for (const auto& a : args) sum += js::parseFloat(a.ref(data, scratch));
      return js::number(sum);
    }
    case Op::kMul: {
      if (args.empty()) return nullptr;
      json scratch;
      double product = js::parseFloat(args[0].ref(data, scratch));
      for (std::size_t i = 1; i < args.size(); ++i) {
        product *= js::parseFloat(args[i].ref(data, scratch));
      }
      return js::number(product);
    }
    case Op::kSub: {
      double a = js::toNumber(arg(0, data));
      if (args.size() < 2) return js::number(-a);
      return js::number(a - js::toNumber(arg(1, data)));
    }
    case Op::kDiv: return js::number(js::toNumber(arg(0, data)) / js::toNumber(arg(1, data)));
    case Op::kMod:
      return js::number(std::fmod(js::toNumber(arg(0, data)), js::toNumber(arg(1, data))));
    case Op::kIn: {
      json needle = arg(0, data), haystack = arg(1, data);
      if (haystack.is_string()) {
        const auto& s = haystack.get_ref<const std::string&>();
        return !s.empty() && s.find(js::toString(needle)) != std::string::npos;
      }
      if (haystack.is_array()) {
        for (const auto& v : haystack) {
          if (js::strictEquals(v, needle)) return true;
        }
      }
      return false;
    }
    case Op::kCat: {
      std::string out;
      json scratch;
      for (const auto& a : args) {
        const json& v = a.ref(data, scratch);
        if (v.is_string()) {
          out += v.get_ref<const std::string&>();
        } else {
          out += js::toString(v);
        }
      }
      return out;
    }
    case Op::kSubstr: {
      std::string source = js::toString(arg(0, data));
      double start = js::toNumber(arg(1, data));
      if (args.size() < 3) return substrJs(source, start, std::nullopt);
      double end = js::toNumber(arg(2, data));
      if (end < 0) {
        std::string tail = substrJs(source, start, std::nullopt);
        double keep = static_cast<double>(codePointOffsets(tail).size() - 1) + end;
        return substrJs(tail, 0, keep);
      }
      return substrJs(source, start, end);
    }
    case Op::kMerge: {
      json out = json::array();
      for (const auto& a : args) {
        json v = a.eval(data);
        if (v.is_array()) {
          for (auto& item : v) out.push_back(std::move(item));
        } else {
          out.push_back(std::move(v));
        }
      }
      return out;
    }
    case Op::kMap:
    case Op::kFilter:
    case Op::kAll:
    case Op::kSome:
    case Op::kNone: {
      json items = arg(0, data);
      if (!items.is_array()) items = json::array();
      if (op == Op::kAll && items.empty()) return false;
      json out = json::array();
      for (auto& item : items) {
        if (op == Op::kMap) {
          out.push_back(args.size() > 1 ? args[1].eval(item) : json(nullptr));
          continue;
        }
        bool pass = args.size() > 1 && js::truthy(args[1].eval(item));
        if (op == Op::kAll && !pass) return false;
        if (op == Op::kSome && pass) return true;
        if (op == Op::kNone && pass) return false;
        if (op == Op::kFilter && pass) out.push_back(std::move(item));
      }
      if (op == Op::kAll || op == Op::kNone) return true;
      if (op == Op::kSome) return false;
      return out;
    }
    case Op::kReduce: {
      json items = arg(0, data);
      json acc = args.size() > 2 ? args[2].eval(data) : json(nullptr);
      if (!items.is_array()) return acc;
      for (auto& item : items) {
        json scope = {{"current", std::move(item)}, {"accumulator", std::move(acc)}};
        acc = args.size() > 1 ? args[1].eval(scope) : json(nullptr);
      }
      return acc;
    }
    case Op::kLog: {
      json v = arg(0, data);
      // Never stdout: preview prints one JSON line per record there.
      std::cerr << json({{"jsonLogicLog", v}}).dump(-1, ' ', false, json::error_handler_t::replace)
                << "\n";
      return v;
    }
  }
  return nullptr;
}

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
