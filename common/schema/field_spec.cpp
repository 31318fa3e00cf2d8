#include "common/schema/field_spec.h"

#include <cmath>

#include "common/json/json.h"
#include "common/json/json_pointer.h"
#include "common/schema/suggest.h"

namespace ferry::schema {

using json = ferry::Json;

std::string_view fieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "string";
    case FieldType::kInteger: return "integer";
    case FieldType::kNumber: return "number";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kObject: return "object";
    case FieldType::kStringArray: return "array of strings";
    case FieldType::kAnyObject: return "object";
    case FieldType::kAny: return "any";
  }
  return "any";
}

namespace {

std::string jsonTypeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  return "object";
}

bool isWholeNumber(const json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

void addProblem(Problems& problems, const std::string& pointer, std::string message) {
  problems.push_back(Problem{pointer, std::move(message), Problem::Severity::kError});
}

// "1" rather than "1.0" for whole bounds (every bound of an integer field is whole).
std::string boundText(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e15) {
    return std::to_string(static_cast<long long>(bound));
  }
  return json(bound).dump();
}

std::string quoteList(const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += "'" + values[i] + "'";
  }
  return out;
}

}  // namespace

std::optional<std::string> secretReferenceName(const json& value) {
  if (!value.is_object() || value.size() != 1) return std::nullopt;
  auto it = value.find("$secret");
  if (it == value.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

void validateField(const json& value, const FieldSpec& field, const std::string& pointer,
                   Problems& problems) {
  if (field.secret) {
    if (secretReferenceName(value)) return;
    if (value.is_string()) {
      addProblem(problems, pointer,
                 "'" + field.name +
                     "' is a secret and must be a reference {\"$secret\": \"<name>\"}, not "
                     "plain text (store the value with 'secret set <name>')");
    } else {
      addProblem(problems, pointer,
                 "'" + field.name + "' must be a secret reference {\"$secret\": \"<name>\"}, got " +
                     jsonTypeName(value));
    }
    return;
  }
  auto wrongType = [&] {
    addProblem(problems, pointer,
               "'" + field.name + "' must be " + std::string(fieldTypeName(field.type)) + ", got " +
                   jsonTypeName(value));
  };
  switch (field.type) {
    case FieldType::kString:
      if (!value.is_string()) return wrongType();
      if (!field.allowed.empty()) {
        const auto& s = value.get_ref<const std::string&>();
        bool ok = false;
        for (const auto& a : field.allowed) ok = ok || a == s;
        if (!ok) {
          addProblem(problems, pointer,
                     "'" + s + "' is not allowed for '" + field.name + "'; use one of " +
                         quoteList(field.allowed));
        }
      }
      return;
    case FieldType::kInteger:
    case FieldType::kNumber: {
      if (!value.is_number() || (field.type == FieldType::kInteger && !isWholeNumber(value))) {
        return wrongType();
      }
      double d = value.get<double>();
      if (field.minimum && d < *field.minimum) {
        addProblem(problems, pointer,
                   "'" + field.name + "' must be at least " + boundText(*field.minimum));
      }
      if (field.maximum && d > *field.maximum) {
        addProblem(problems, pointer,
                   "'" + field.name + "' must be at most " + boundText(*field.maximum));
      }
      return;
    }
    case FieldType::kBoolean:
      if (!value.is_boolean()) return wrongType();
      return;
    case FieldType::kObject:
      if (!value.is_object()) return wrongType();
      validate(value, field.fields, pointer, problems);
      return;
    case FieldType::kStringArray:
      if (!value.is_array()) return wrongType();
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string()) {
          addProblem(
              problems, jsonptr::appendIndex(pointer, i),
              "items of '" + field.name + "' must be strings, got " + jsonTypeName(value[i]));
        }
      }
      return;
    case FieldType::kAnyObject:
      if (!value.is_object()) return wrongType();
      return;
    case FieldType::kAny: return;
  }
}

void validate(const json& value, const ObjectSpec& spec, const std::string& pointer,
              Problems& problems) {
  if (!value.is_object()) {
    addProblem(problems, pointer, "must be an object, got " + jsonTypeName(value));
    return;
  }
  std::vector<std::string> known;
  known.reserve(spec.size());
  for (const auto& f : spec) known.push_back(f.name);
  for (auto it = value.begin(); it != value.end(); ++it) {
    const FieldSpec* field = nullptr;
    for (const auto& f : spec) {
      if (f.name == it.key()) field = &f;
    }
    std::string childPointer = jsonptr::appendToken(pointer, it.key());
    if (!field) {
      std::string message = "unknown key '" + it.key() + "'";
      if (auto guess = closestMatch(it.key(), known)) message += "; did you mean '" + *guess + "'?";
      addProblem(problems, childPointer, message);
      continue;
    }
    validateField(it.value(), *field, childPointer, problems);
  }
  for (const auto& f : spec) {
    if (f.required && !value.contains(f.name)) {
      addProblem(problems, jsonptr::appendToken(pointer, f.name),
                 "missing required key '" + f.name + "'");
    }
  }
}

json withDefaults(const json& value, const ObjectSpec& spec) {
  json out = value.is_object() ? value : json::object();
  for (const auto& f : spec) {
    auto it = out.find(f.name);
    if (f.type == FieldType::kObject) {
      json child = withDefaults(it == out.end() ? json::object() : *it, f.fields);
      if (it != out.end() || !child.empty()) out[f.name] = std::move(child);
    } else if (it == out.end() && !f.defaultJson.empty()) {
      out[f.name] = json::parse(f.defaultJson);
    }
  }
  return out;
}

namespace {

void collectLeaves(const ObjectSpec& spec, std::vector<std::string>& path, std::vector<Leaf>& out) {
  for (const auto& f : spec) {
    path.push_back(f.name);
    if (f.type == FieldType::kObject) {
      collectLeaves(f.fields, path, out);
    } else {
      out.push_back(Leaf{path, &f});
    }
    path.pop_back();
  }
}

std::string dottedPath(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) {
    if (!out.empty()) out += '.';
    out += p;
  }
  return out;
}

std::string typeLabel(const FieldSpec& f) {
  if (f.secret) return "secret";
  std::string t(fieldTypeName(f.type));
  if (!f.allowed.empty()) {
    t = "one of ";
    for (std::size_t i = 0; i < f.allowed.size(); ++i) t += (i ? ", " : "") + f.allowed[i];
  }
  return t;
}

// A '|' inside a Markdown table cell ends the cell.
std::string escapePipes(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::vector<Leaf> leaves(const ObjectSpec& spec) {
  std::vector<Leaf> out;
  std::vector<std::string> path;
  collectLeaves(spec, path, out);
  return out;
}

std::string describe(const ObjectSpec& spec) {
  std::string out;
  for (const auto& leaf : leaves(spec)) {
    std::string line("  ");
    line.append(dottedPath(leaf.path));
    if (line.size() < 30) line.resize(30, ' ');
    line.append(" ").append(typeLabel(*leaf.field));
    if (!leaf.field->defaultJson.empty()) {
      line.append(" (default ").append(leaf.field->defaultJson).append(")");
    }
    if (leaf.field->required) line.append(" (required)");
    line.append("  ").append(leaf.field->description).append("\n");
    out.append(line);
  }
  return out;
}

std::string markdownTable(const ObjectSpec& spec) {
  std::string out = "| key | type | default | required | description |\n";
  out += "| --- | --- | --- | --- | --- |\n";
  for (const auto& leaf : leaves(spec)) {
    const auto& f = *leaf.field;
    std::string def = f.defaultJson.empty() ? "" : "`" + f.defaultJson + "`";
    out += "| `" + dottedPath(leaf.path) + "` | " + typeLabel(f) + " | " + def + " | " +
           (f.required ? "yes" : "no") + " | " + escapePipes(f.description) + " |\n";
  }
  return out;
}

}  // namespace ferry::schema
