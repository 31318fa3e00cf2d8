#include "common/model/flow_pipeline.h"

namespace ferry::model {

namespace {

Status stepError(std::size_t index, const std::string& what, const Status& status) {
  return Status::invalidArgument("steps[" + std::to_string(index) + "] (" + what +
                                 "): " + status.message());
}

}  // namespace

Result<transform::StepPipeline> buildPipeline(const Definitions& definitions, const Flow& flow) {
  std::vector<transform::Step> steps;
  for (std::size_t i = 0; i < flow.steps.size(); ++i) {
    const Step& s = flow.steps[i];
    switch (s.type) {
      case Step::Type::kFilter: {
        auto logic = transform::Logic::compile(s.rule);
        if (!logic) return stepError(i, "filter", logic.status());
        steps.push_back(transform::FilterStep{std::move(*logic)});
        break;
      }
      case Step::Type::kMap: {
        auto mapping = transform::Mapping::compile(s.rule);
        if (!mapping) return stepError(i, "map", mapping.status());
        steps.push_back(transform::MapStep{std::move(*mapping)});
        break;
      }
      case Step::Type::kLookup: {
        const Lookup* lookup = definitions.findLookup(s.ref);
        if (!lookup) return Status::invalidArgument("no lookup '" + s.ref + "'");
        auto into = transform::RecordPath::parse(lookup->into);
        if (!into) return stepError(i, "lookup " + s.ref, into.status());
        steps.push_back(transform::LookupStep{lookup->id, std::move(*into), lookup->many});
        break;
      }
      case Step::Type::kImport: {
        const Import* import = definitions.findImport(s.ref);
        if (!import) return Status::invalidArgument("no import '" + s.ref + "'");
        transform::ImportStep step{import->id, std::nullopt, std::nullopt};
        if (!import->filter.is_null()) {
          auto logic = transform::Logic::compile(import->filter);
          if (!logic) return stepError(i, "import " + s.ref, logic.status());
          step.filter = std::move(*logic);
        }
        if (!import->mapping.is_null()) {
          auto mapping = transform::Mapping::compile(import->mapping);
          if (!mapping) return stepError(i, "import " + s.ref, mapping.status());
          step.mapping = std::move(*mapping);
        }
        steps.push_back(std::move(step));
        break;
      }
    }
  }
  return transform::StepPipeline(std::move(steps));
}

}  // namespace ferry::model
