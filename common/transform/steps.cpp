#include "common/transform/steps.h"

namespace ferry::transform {

using json = ferry::Json;

std::string describeStep(const Step& step) {
  struct Describe {
    std::string operator()(const FilterStep&) const { return "filter"; }
    std::string operator()(const MapStep&) const { return "map"; }
    std::string operator()(const LookupStep& s) const { return "lookup " + s.lookupId; }
    std::string operator()(const ImportStep& s) const { return "import " + s.importId; }
  };
  return std::visit(Describe{}, step);
}

Status mergeLookup(json& record, const RecordPath& into, bool many, const std::vector<json>& rows) {
  if (!record.is_object()) {
    return Status::invalidArgument("cannot merge lookup rows into a record that is a " +
                                   std::string(record.type_name()));
  }
  json value;
  if (many) {
    value = json::array();
    for (const auto& r : rows) value.push_back(r);
  } else {
    value = rows.empty() ? json(nullptr) : rows.front();
  }
  return into.assign(record, std::move(value));
}

Status mergeLookup(json& record, const std::string& into, bool many,
                   const std::vector<json>& rows) {
  auto path = RecordPath::parse(into);
  if (!path) return Status::invalidArgument("lookup 'into': " + path.status().message());
  return mergeLookup(record, *path, many, rows);
}

StepPipeline::StepPipeline(std::vector<Step> steps) : steps_(std::move(steps)) {}

RecordOutcome StepPipeline::run(const json& input, const LookupRows* lookups) const {
  return run(input, lookups, Output::kKeep);
}

bool StepPipeline::endsInPlainImport() const {
  if (steps_.empty()) return false;
  const auto* imp = std::get_if<ImportStep>(&steps_.back());
  return imp != nullptr && !imp->mapping;
}

RecordOutcome StepPipeline::run(const json& input, const LookupRows* lookups, Output output) const {
  RecordOutcome out;
  // `current` is the record so far: the input until a step produces a new one in `owned`.
  const json* current = &input;
  json owned;
  auto mutableRecord = [&]() -> json& {
    if (current != &owned) {
      owned = *current;
      current = &owned;
    }
    return owned;
  };
  for (std::size_t i = 0; i < steps_.size(); ++i) {
    const Step& step = steps_[i];
    auto fail = [&](const std::string& message) {
      out.errors.push_back({i, describeStep(step), message});
    };
    if (const auto* f = std::get_if<FilterStep>(&step)) {
      auto keep = f->logic.test(*current);
      if (!keep) {
        fail(keep.status().message());
        break;
      }
      if (!*keep) {
        out.filtered = true;
        out.filteredBy = i;
        break;
      }
    } else if (const auto* m = std::get_if<MapStep>(&step)) {
      auto mapped = m->mapping.apply(*current);
      if (!mapped) {
        fail(mapped.status().message());
        break;
      }
      owned = std::move(*mapped);
      current = &owned;
    } else if (const auto* l = std::get_if<LookupStep>(&step)) {
      const std::vector<json>* rows = lookups ? lookups->rowsFor(l->lookupId, *current) : nullptr;
      if (!rows) {
        out.lookupsSkipped.push_back(l->lookupId);
        continue;
      }
      Status merged = mergeLookup(mutableRecord(), l->into, l->many, *rows);
      if (!merged.isOk()) {
        fail(merged.message());
        break;
      }
    } else if (const auto* imp = std::get_if<ImportStep>(&step)) {
      ImportOutcome result;
      if (imp->filter) {
        auto pass = imp->filter->test(*current);
        if (!pass) {
          fail(pass.status().message());
          break;
        }
        result.skipped = !*pass;
      }
      if (!result.skipped) {
        if (imp->mapping) {
          auto row = imp->mapping->apply(*current);
          if (!row) {
            fail(row.status().message());
            break;
          }
          result.row = std::move(*row);
        } else if (output == Output::kInLastImport && i + 1 == steps_.size()) {
          // The row is the output: one record instead of two identical ones.
          result.row = current == &owned ? std::move(owned) : *current;
          out.outputInLastImport = true;
        } else {
          result.row = *current;
        }
      }
      out.imports[imp->importId] = std::move(result);
    }
  }
  if (!out.filtered && !out.outputInLastImport) {
    out.output = current == &owned ? std::move(owned) : *current;
  }
  return out;
}

json previewJson(const RecordOutcome& outcome) {
  // Only what would be written appears under "imports"; an import its own filter skipped
  // is absent, so a row can never be mistaken for a marker.
  json imports = json::object();
  for (const auto& [id, result] : outcome.imports) {
    if (!result.skipped) imports[id] = result.row;
  }
  json errors = json::array();
  for (const auto& e : outcome.errors) {
    errors.push_back({{"step", e.step}, {"stepIndex", e.stepIndex}, {"message", e.message}});
  }
  json out = {{"filtered", outcome.filtered},
              {"output", outcome.filtered ? json(nullptr) : outcome.output},
              {"imports", imports},
              {"errors", errors}};
  if (!outcome.lookupsSkipped.empty()) {
    json lookups = json::object();
    for (const auto& id : outcome.lookupsSkipped) lookups[id] = "skipped";
    out["lookups"] = lookups;
  }
  return out;
}

}  // namespace ferry::transform
