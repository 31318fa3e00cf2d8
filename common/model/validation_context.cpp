#include <algorithm>

#include "common/json/json_pointer.h"
#include "common/model/query_params.h"
#include "common/model/validation_context.h"
#include "common/schema/suggest.h"

namespace ferry::model::detail {

using json = ferry::Json;

std::string withArticle(Kind kind) {
  std::string name(kindName(kind));
  bool vowel = name[0] == 'e' || name[0] == 'i';
  return (vowel ? "an " : "a ") + name;
}

void ValidationContext::error(const std::string& pointer, std::string message) {
  problems_.push_back(Problem{pointer, std::move(message), Problem::Severity::kError});
}

void ValidationContext::warning(const std::string& pointer, std::string message) {
  problems_.push_back(Problem{pointer, std::move(message), Problem::Severity::kWarning});
}

std::size_t ValidationContext::errorCount() const {
  return static_cast<std::size_t>(std::count_if(problems_.begin(), problems_.end(),
                                                [](const Problem& p) { return p.isError(); }));
}

void ValidationContext::declare(Kind kind, const std::string& id, const std::string& pointer,
                                const json* value) {
  auto& ids = ids_[static_cast<std::size_t>(kind)];
  auto [it, inserted] = ids.emplace(id, Declared{pointer, value});
  if (!inserted) {
    error(jsonptr::appendToken(pointer, "id"),
          "duplicate " + std::string(kindName(kind)) + " id '" + id + "' (also at " +
              it->second.pointer + "); ids are unique per kind");
  }
}

const json* ValidationContext::resolve(const json& ref, Kind kind, const std::string& pointer) {
  std::string kindText(kindName(kind));
  if (!ref.is_string()) {
    error(pointer, "must be the id of " + withArticle(kind) + " (a string)");
    return nullptr;
  }
  const auto& id = ref.get_ref<const std::string&>();
  const auto& ids = ids_[static_cast<std::size_t>(kind)];
  if (auto it = ids.find(id); it != ids.end()) return it->second.value;
  for (std::size_t k = 0; k < ids_.size(); ++k) {
    if (ids_[k].count(id)) {
      error(pointer, "'" + id + "' is " + withArticle(static_cast<Kind>(k)) + " (" +
                         ids_[k].at(id).pointer + "), not " + withArticle(kind));
      return nullptr;
    }
  }
  std::vector<std::string> candidates;
  for (const auto& [candidate, declared] : ids) candidates.push_back(candidate);
  std::string message = "no " + kindText + " with id '" + id + "'";
  if (auto guess = closestMatch(id, candidates)) message += "; did you mean '" + *guess + "'?";
  error(pointer, message);
  return nullptr;
}

void ValidationContext::checkFields(const json& value, const schema::ObjectSpec& spec,
                                    const std::string& pointer, bool complete) {
  if (complete) {
    schema::validate(value, spec, pointer, problems_);
    return;
  }
  for (const auto& field : spec) {
    auto it = value.find(field.name);
    if (it != value.end()) {
      schema::validateField(*it, field, jsonptr::appendToken(pointer, field.name), problems_);
    } else if (field.required) {
      error(jsonptr::appendToken(pointer, field.name), "missing required key '" + field.name + "'");
    }
  }
}

const ConnectorDescriptor* connectorOf(const json& connection) {
  auto type = connection.find("type");
  if (type == connection.end() || !type->is_string()) return nullptr;
  return findConnector(type->get_ref<const std::string&>());
}

schema::ObjectSpec merged(const schema::ObjectSpec& a, const schema::ObjectSpec& b) {
  schema::ObjectSpec out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

void checkQueryParameters(ValidationContext& ctx, const std::string& sql,
                          const std::vector<std::string>& provided, const std::string& pointer,
                          const std::string& hint) {
  std::vector<std::string> reported;
  for (const auto& p : queryParameters(sql)) {
    if (std::find(provided.begin(), provided.end(), p.name) != provided.end()) continue;
    if (std::find(reported.begin(), reported.end(), p.name) != reported.end()) continue;
    reported.push_back(p.name);
    std::string message = "query parameter ':" + p.name + "' is not provided; ";
    if (provided.empty()) {
      message += hint;
    } else {
      message += "available: ";
      for (std::size_t i = 0; i < provided.size(); ++i) {
        message += (i ? ", :" : ":") + provided[i];
      }
      if (auto guess = closestMatch(p.name, provided))
        message += " (did you mean ':" + *guess + "'?)";
    }
    ctx.error(pointer, message);
  }
}

}  // namespace ferry::model::detail
