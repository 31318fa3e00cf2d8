#include "common/transform/mapping.h"

#include <algorithm>
#include <optional>

#include "common/json/json.h"
#include "common/json/json_pointer.h"
#include "common/schema/suggest.h"
#include "common/transform/json_logic.h"
#include "common/transform/record_path.h"
#include "common/transform/type_conversion.h"

namespace ferry::transform {

using json = ferry::Json;

struct Mapping::Impl {
  struct Rule {
    enum class Source { kFrom, kValue, kExpr } source = Source::kFrom;
    std::optional<RecordPath> from;
    json value;
    std::optional<Logic> expr;
    RecordPath to;
    std::optional<ValueType> type;
    std::optional<json> fallback;  // `default`
    bool required = false;
  };
  std::vector<Rule> rules;
  // When every rule sets a distinct top-level key: the rules in key order, so the output
  // is built by appending at the end of its tree instead of searching it for each field.
  // Empty otherwise.
  std::vector<std::size_t> keyOrder;

  // A rule's value for `record`: nullopt when it is missing (and may stay so), an error
  // naming the field when it is required or does not convert.
  Result<std::optional<json>> valueOf(const Rule& rule, const json& record) const;
  Result<json> applyInOrder(const json& record) const;
};

namespace {

const std::vector<std::string> kRuleKeys = {"from", "value",   "expr",    "to",
                                            "type", "default", "required"};

// Checks one rule; appends its problems; returns the compiled rule when there are none.
std::optional<Mapping::Impl::Rule> compileRule(const json& r, const std::string& p,
                                               Problems& problems) {
  std::size_t before = problems.size();
  if (!r.is_object()) {
    problems.push_back({p,
                        "a mapping rule must be an object with 'to' and one of 'from', "
                        "'value' or 'expr'"});
    return std::nullopt;
  }
  for (auto it = r.begin(); it != r.end(); ++it) {
    bool known = false;
    for (const auto& k : kRuleKeys) known = known || k == it.key();
    if (!known) {
      std::string message = "unknown key '" + it.key() + "' in a mapping rule";
      if (auto guess = closestMatch(it.key(), kRuleKeys))
        message += "; did you mean '" + *guess + "'?";
      problems.push_back({jsonptr::appendToken(p, it.key()), message});
    }
  }
  Mapping::Impl::Rule rule;
  int sources = static_cast<int>(r.contains("from")) + static_cast<int>(r.contains("value")) +
                static_cast<int>(r.contains("expr"));
  if (sources != 1) {
    problems.push_back({p, sources == 0 ? "a mapping rule needs one of 'from', 'value' or 'expr'"
                                        : "a mapping rule takes only one of 'from', 'value' "
                                          "and 'expr'"});
  }
  if (auto it = r.find("from"); it != r.end()) {
    rule.source = Mapping::Impl::Rule::Source::kFrom;
    if (!it->is_string()) {
      problems.push_back({jsonptr::appendToken(p, "from"), "'from' must be a path string"});
    } else if (auto path = RecordPath::parse(it->get<std::string>()); !path) {
      problems.push_back({jsonptr::appendToken(p, "from"), path.status().message()});
    } else {
      rule.from = std::move(*path);
    }
  }
  if (auto it = r.find("value"); it != r.end()) {
    rule.source = Mapping::Impl::Rule::Source::kValue;
    rule.value = *it;
  }
  if (auto it = r.find("expr"); it != r.end()) {
    rule.source = Mapping::Impl::Rule::Source::kExpr;
    Problems logicProblems;
    validateLogic(*it, jsonptr::appendToken(p, "expr"), logicProblems);
    if (!logicProblems.empty()) {
      problems.insert(problems.end(), logicProblems.begin(), logicProblems.end());
    } else if (auto logic = Logic::compile(*it); !logic) {
      problems.push_back({jsonptr::appendToken(p, "expr"), logic.status().message()});
    } else {
      rule.expr = std::move(*logic);
    }
  }
  if (auto it = r.find("to"); it == r.end()) {
    problems.push_back({jsonptr::appendToken(p, "to"), "a mapping rule needs 'to'"});
  } else if (!it->is_string()) {
    problems.push_back({jsonptr::appendToken(p, "to"), "'to' must be a path string"});
  } else if (auto path = RecordPath::parse(it->get<std::string>()); !path) {
    problems.push_back({jsonptr::appendToken(p, "to"), path.status().message()});
  } else {
    rule.to = std::move(*path);
  }
  if (auto it = r.find("type"); it != r.end()) {
    auto type = it->is_string() ? parseValueType(it->get<std::string>()) : std::nullopt;
    if (!type) {
      std::string name = it->is_string() ? it->get<std::string>() : it->dump();
      std::string message = "unknown type '" + name + "'";
      if (auto guess = suggestValueType(name)) message += "; did you mean '" + *guess + "'?";
      message += " (string, integer, number, boolean, datetime, date)";
      problems.push_back({jsonptr::appendToken(p, "type"), message});
    }
    rule.type = type;
  }
  if (auto it = r.find("default"); it != r.end()) rule.fallback = *it;
  if (auto it = r.find("required"); it != r.end()) {
    if (!it->is_boolean()) {
      problems.push_back({jsonptr::appendToken(p, "required"), "'required' must be true or false"});
    } else {
      rule.required = it->get<bool>();
    }
  }
  if (problems.size() != before) return std::nullopt;
  return rule;
}

}  // namespace

Mapping::Mapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mapping::Mapping(Mapping&&) noexcept = default;
Mapping& Mapping::operator=(Mapping&&) noexcept = default;
Mapping::~Mapping() = default;

void validateMapping(const json& rules, const std::string& pointer, Problems& problems) {
  if (!rules.is_array()) {
    problems.push_back({pointer, "a mapping must be an array of rules"});
    return;
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    compileRule(rules[i], jsonptr::appendIndex(pointer, i), problems);
  }
}

Result<Mapping> Mapping::compile(const json& rules) {
  Problems problems;
  auto impl = std::make_unique<Impl>();
  if (!rules.is_array()) {
    return Status::invalidArgument("a mapping must be an array of rules");
  }
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto rule = compileRule(rules[i], jsonptr::appendIndex("", i), problems);
    if (rule) impl->rules.push_back(std::move(*rule));
  }
  if (!problems.empty()) return Status::invalidArgument(problems.front().toString());
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    const auto& segments = impl->rules[i].to.segments();
    if (segments.size() != 1 || segments[0].bracketIndex) break;
    order.push_back(i);
  }
  if (order.size() == impl->rules.size()) {
    auto key = [&](std::size_t i) -> const std::string& {
      return impl->rules[i].to.segments()[0].key;
    };
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
    bool distinct =
        std::adjacent_find(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
          return key(a) == key(b);
        }) == order.end();
    if (distinct) impl->keyOrder = std::move(order);
  }
  return Mapping(std::move(impl));
}

Result<std::optional<json>> Mapping::Impl::valueOf(const Rule& rule, const json& record) const {
  const json* source = nullptr;
  json computed;
  switch (rule.source) {
    case Rule::Source::kFrom: source = rule.from->find(record); break;
    case Rule::Source::kValue: source = &rule.value; break;
    case Rule::Source::kExpr: {
      auto v = rule.expr->evaluate(record);
      if (!v)
        return Status::invalidArgument("field '" + rule.to.text() + "': " + v.status().message());
      computed = std::move(*v);
      source = &computed;
      break;
    }
  }
  if ((!source || source->is_null()) && rule.fallback) source = &*rule.fallback;
  if (!source) {
    if (rule.required) {
      std::string from = rule.from ? " (from '" + rule.from->text() + "')" : "";
      return Status::invalidArgument("field '" + rule.to.text() + "' is required but missing" +
                                     from);
    }
    return std::optional<json>();  // a missing value stays missing
  }
  if (source->is_null() && rule.required) {
    return Status::invalidArgument("field '" + rule.to.text() + "' is required but null");
  }
  if (rule.type) {
    auto converted = convertValue(*source, *rule.type);
    if (!converted) {
      return Status::invalidArgument("field '" + rule.to.text() +
                                     "': " + converted.status().message());
    }
    return std::optional<json>(std::move(*converted));
  }
  return std::optional<json>(source == &computed ? std::move(computed) : *source);
}

Result<json> Mapping::Impl::applyInOrder(const json& record) const {
  json out = json::object();
  for (const auto& rule : rules) {
    auto value = valueOf(rule, record);
    if (!value) return value.status();
    if (!*value) continue;
    Status st = rule.to.assign(out, std::move(**value));
    if (!st.isOk())
      return Status::invalidArgument("field '" + rule.to.text() + "': " + st.message());
  }
  return out;
}

Result<json> Mapping::apply(const json& record) const {
  const Impl& m = *impl_;
  if (m.keyOrder.empty()) return m.applyInOrder(record);
  json out = json::object();
  auto& fields = out.get_ref<json::object_t&>();
  fields.reserve(m.keyOrder.size());
  for (std::size_t i : m.keyOrder) {
    const Impl::Rule& rule = m.rules[i];
    auto value = m.valueOf(rule, record);
    // The error a record gets is the first in the rules' order: find it that way.
    if (!value) return m.applyInOrder(record);
    if (*value) fields.emplace_hint(fields.end(), rule.to.segments()[0].key, std::move(**value));
  }
  return out;
}

}  // namespace ferry::transform
