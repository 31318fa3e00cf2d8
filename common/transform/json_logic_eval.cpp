// Evaluation of compiled JSON Logic rules with json-logic-js semantics. The one deliberate
// difference: arithmetic that JavaScript would answer with NaN or ±Infinity (a division by
// zero, "abc" * 2, a missing operand of +) is a per-record error instead of a value that
// JSON cannot hold (docs/transforms.md).
#include <algorithm>
#include <cmath>
#include <iostream>
#include <optional>

#include "common/transform/js_semantics.h"
#include "common/transform/json_logic_node.h"

namespace ferry::transform {

using json = ferry::Json;
using Op = LogicOp;

namespace {

// One step of a var path, the way JS property access behaves on JSON values.
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
  auto at = [&](long long i) { return offsets[static_cast<std::size_t>(i)]; };
  return s.substr(at(from), at(from + count) - at(from));
}

// A value as an error message shows it: short, valid UTF-8.
std::string shown(const json& v) {
  std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

void Logic::Node::fail(const std::string& what) const {
  throw LogicEvalError("'" + std::string(name) + "': " + what);
}

const json& Logic::Node::argRef(std::size_t i, const json& data, json& scratch) const {
  if (i >= args.size()) {
    scratch = nullptr;
    return scratch;
  }
  return args[i].ref(data, scratch);
}

json Logic::Node::var(const json& data) const {
  json fallback = args.size() > 1 ? args[1].eval(data) : json(nullptr);
  std::vector<std::string> dynamicPath;
  const std::vector<std::string>* parts = &path;
  if (!literalPath) {
    json p = arg(0, data);
    if (p.is_null() || (p.is_string() && p.get_ref<const std::string&>().empty())) return data;
    dynamicPath = splitVarPath(js::toString(p));
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
    if (!text.empty()) lookup.path = splitVarPath(text);
    json value = lookup.var(data);
    if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
      out.push_back(key);
    }
  }
  return out;
}

json Logic::Node::arithmetic(const json& data) const {
  json scratch;
  auto number = [&](std::size_t i, bool parse) {
    const json& v = argRef(i, data, scratch);
    double d = parse ? js::parseFloat(v) : js::toNumber(v);
    if (std::isnan(d)) fail(shown(v) + " is not a number");
    return d;
  };
  double result = 0;
  if (op == Op::kAdd || op == Op::kMul) {
    // json-logic-js runs these through parseFloat: "3.5kg" counts as 3.5, null as NaN.
    if (op == Op::kMul && args.empty()) fail("needs at least one operand");
    result = op == Op::kAdd ? 0 : 1;
    for (std::size_t i = 0; i < args.size(); ++i) {
      double d = number(i, true);
      result = op == Op::kAdd ? result + d : result * d;
    }
  } else {
    // -, /, % use Number(): null counts as 0, "" as 0, "3.5kg" as NaN.
    if (args.empty() || (op != Op::kSub && args.size() < 2)) fail("needs two operands");
    double a = number(0, false);
    if (args.size() < 2) return js::number(-a);
    double b = number(1, false);
    if (b == 0 && op != Op::kSub) fail("division by zero");
    result = op == Op::kSub ? a - b : op == Op::kDiv ? a / b : std::fmod(a, b);
  }
  if (!std::isfinite(result)) fail("the result is not a finite number");
  return js::number(result);
}

json Logic::Node::minMax(const json& data) const {
  if (args.empty()) fail("needs at least one number");
  double best = op == Op::kMax ? -INFINITY : INFINITY;
  json scratch;
  for (const auto& a : args) {
    const json& v = a.ref(data, scratch);
    double d = js::toNumber(v);
    if (std::isnan(d)) fail(shown(v) + " is not a number");
    best = op == Op::kMax ? std::max(best, d) : std::min(best, d);
  }
  if (!std::isfinite(best)) fail("the result is not a finite number");
  return js::number(best);
}

json Logic::Node::compare(const json& data) const {
  json s0, s1;
  const json& a = argRef(0, data, s0);
  const json& b = argRef(1, data, s1);
  switch (op) {
    case Op::kEq: return js::looseEquals(a, b);
    case Op::kNe: return !js::looseEquals(a, b);
    case Op::kStrictEq: return js::strictEquals(a, b);
    case Op::kStrictNe: return !js::strictEquals(a, b);
    case Op::kGt: return js::lessThan(b, a);
    case Op::kGe: return js::lessOrEqual(b, a);
    default: break;
  }
  auto cmp = op == Op::kLt ? js::lessThan : js::lessOrEqual;
  if (!cmp(a, b)) return false;
  if (args.size() < 3) return true;
  json s2;
  return cmp(b, argRef(2, data, s2));  // the "between" form: a < b < c
}

json Logic::Node::arrayOp(const json& data) const {
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

json Logic::Node::reduce(const json& data) const {
  json items = arg(0, data);
  json acc = args.size() > 2 ? args[2].eval(data) : json(nullptr);
  if (!items.is_array()) return acc;
  for (auto& item : items) {
    json scope = {{"current", std::move(item)}, {"accumulator", std::move(acc)}};
    acc = args.size() > 1 ? args[1].eval(scope) : json(nullptr);
  }
  return acc;
}

json Logic::Node::substr(const json& data) const {
  std::string source = js::toString(arg(0, data));
  double start = js::toNumber(arg(1, data));
  if (args.size() < 3) return substrJs(source, start, std::nullopt);
  double end = js::toNumber(arg(2, data));
  if (end < 0) {
    // A negative length drops that many characters from the end.
    std::string tail = substrJs(source, start, std::nullopt);
    double keep = static_cast<double>(codePointOffsets(tail).size() - 1) + end;
    return substrJs(tail, 0, keep);
  }
  return substrJs(source, start, end);
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
    case Op::kStrictNe:
    case Op::kGt:
    case Op::kGe:
    case Op::kLt:
    case Op::kLe: return compare(data);
    case Op::kNot:
    case Op::kNotNot: {
      json s0;
      bool t = js::truthy(argRef(0, data, s0));
      return op == Op::kNot ? !t : t;
    }
    case Op::kOr:
    case Op::kAnd: {
      // Returns the deciding operand itself, not a boolean, as JavaScript does.
      json current;
      for (const auto& a : args) {
        current = a.eval(data);
        if (js::truthy(current) == (op == Op::kOr)) return current;
      }
      return current;
    }
    case Op::kMax:
    case Op::kMin: return minMax(data);
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: return arithmetic(data);
    case Op::kIn: {
      json s0, s1;
      const json& needle = argRef(0, data, s0);
      const json& haystack = argRef(1, data, s1);
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
      // Array.prototype.join: null operands add nothing.
      std::string out;
      json scratch;
      for (const auto& a : args) {
        const json& v = a.ref(data, scratch);
        if (v.is_string()) {
          out += v.get_ref<const std::string&>();
        } else if (!v.is_null()) {
          out += js::toString(v);
        }
      }
      return out;
    }
    case Op::kSubstr: return substr(data);
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
    case Op::kNone: return arrayOp(data);
    case Op::kReduce: return reduce(data);
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

}  // namespace ferry::transform
