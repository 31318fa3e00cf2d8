#include "controller/api/resource_validation.h"

#include <set>
#include <tuple>

#include "common/model/validate.h"
#include "controller/api/request_parsing.h"

namespace ferry::controller::api {

namespace {

struct Located {
  std::size_t index = 0;  // npos: not inside one resource
  std::string rest;       // the pointer below /resources/<index>
};

Located locate(const std::string& pointer) {
  static const std::string kPrefix = "/resources/";
  Located out{std::string::npos, pointer};
  if (pointer.rfind(kPrefix, 0) != 0) return out;
  std::size_t end = pointer.find('/', kPrefix.size());
  std::string number = pointer.substr(kPrefix.size(), end - kPrefix.size());
  if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos) return out;
  out.index = std::stoul(number);
  out.rest = end == std::string::npos ? "" : pointer.substr(end);
  return out;
}

using Key = std::tuple<std::string, std::string, std::string, std::string>;  // kind, id, ptr, msg

std::string field(const ferry::Json& r, const char* name) {
  auto it = r.find(name);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Every error of `resources`, keyed by the resource it belongs to (not its position).
std::set<Key> errorsByResource(const ferry::Json& resources, const Problems& problems) {
  std::set<Key> out;
  for (const auto& p : problems) {
    if (!p.isError()) continue;
    Located at = locate(p.pointer);
    if (at.index >= resources.size()) {
      out.insert({"", "", p.pointer, p.message});
      continue;
    }
    const auto& r = resources[at.index];
    out.insert({field(r, "kind"), field(r, "id"), at.rest, p.message});
  }
  return out;
}

}  // namespace

Result<ContextCheck> checkInContext(store::Store& store, const std::string& kind,
                                    const std::string& id, const ferry::Json* resource) {
  auto live = store.listResources({});
  if (!live) return live.status();
  ContextCheck check;
  ferry::Json before = ferry::Json::array();
  ferry::Json after = ferry::Json::array();
  std::size_t changedAt = std::string::npos;
  for (const auto& record : *live) {
    ferry::Json doc = parseStoredJson(record.document);
    if (!doc.is_object()) continue;
    before.push_back(doc);
    if (record.kind == kind && record.id == id) {
      check.existed = true;
      check.currentVersion = record.version;
      if (!resource) continue;
      changedAt = after.size();
      after.push_back(*resource);
    } else {
      after.push_back(std::move(doc));
    }
  }
  if (resource && changedAt == std::string::npos) {
    changedAt = after.size();
    after.push_back(*resource);
  }
  model::ValidationOptions options;
  options.requireAgent = true;
  auto afterProblems = model::validateDefinitions({{"resources", after}}, options);
  auto beforeProblems = model::validateDefinitions({{"resources", before}}, options);
  std::set<Key> known = errorsByResource(before, beforeProblems);
  for (const auto& p : afterProblems) {
    if (!p.isError()) continue;
    Located at = locate(p.pointer);
    if (at.index == changedAt) {
      check.own.push_back({at.rest, p.message});
      continue;
    }
    const ferry::Json* other = at.index < after.size() ? &after[at.index] : nullptr;
    Key key{other ? field(*other, "kind") : "", other ? field(*other, "id") : "",
            other ? at.rest : p.pointer, p.message};
    if (known.count(key)) continue;
    std::string where = other ? std::get<0>(key) + " '" + std::get<1>(key) + "'" +
                                    (at.rest.empty() ? "" : " at " + at.rest)
                              : "the definitions";
    check.others.push_back({"", where + ": " + p.message});
  }
  return check;
}

}  // namespace ferry::controller::api
