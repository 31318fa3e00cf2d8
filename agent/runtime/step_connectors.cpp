#include "agent/runtime/step_connectors.h"

#include "agent/connectors/registry.h"

namespace ferry::agent::runtime {

namespace {

const connectors::ConnectorImpl* implFor(const model::Definitions& definitions,
                                         const std::string& connectionId,
                                         const model::Connection** connection) {
  *connection = definitions.findConnection(connectionId);
  return *connection ? connectors::findConnectorImpl((*connection)->type) : nullptr;
}

}  // namespace

Result<PageProcessor::Connectors> openStepConnectors(const model::Definitions& definitions,
                                                     const model::Flow& flow,
                                                     const connectors::ConnectorContext& context,
                                                     const StepConnectorOptions& options) {
  auto attempt = [&](const std::string& what, const std::function<connectors::Outcome()>& open) {
    return options.attempt ? options.attempt(what, open) : open();
  };
  PageProcessor::Connectors out;
  for (const auto& step : flow.steps) {
    const std::string& ref = step.ref;
    if (step.type == model::Step::Type::kLookup && !out.lookups.count(ref)) {
      const model::Lookup* lookup = definitions.findLookup(ref);
      const model::Connection* c = nullptr;
      const auto* impl = lookup ? implFor(definitions, lookup->connection, &c) : nullptr;
      Status status = Status::unimplemented("lookup " + ref + ": its connection cannot look up");
      if (impl != nullptr && impl->openLookup) {
        status = attempt("open lookup " + ref, [&]() -> connectors::Outcome {
                   auto l = impl->openLookup(*c, *lookup, context);
                   if (!l) return l.status();
                   out.lookups[ref] = std::move(*l);
                   return {};
                 }).status;
      }
      if (!status.isOk()) {
        if (!options.lookupUnavailable) return status;
        options.lookupUnavailable(ref, status);
      }
    }
    if (options.imports && step.type == model::Step::Type::kImport && !out.imports.count(ref)) {
      const model::Import* import = definitions.findImport(ref);
      const model::Connection* c = nullptr;
      const auto* impl = import ? implFor(definitions, import->connection, &c) : nullptr;
      if (impl == nullptr || !impl->openDestination) {
        return Status::unimplemented("import " + ref + ": its connection cannot import");
      }
      auto opened = attempt("open import " + ref, [&]() -> connectors::Outcome {
        auto d = impl->openDestination(*c, *import, context);
        if (!d) return d.status();
        out.imports[ref] = std::move(*d);
        return {};
      });
      if (!opened.ok()) return opened.status;
    }
  }
  return out;
}

}  // namespace ferry::agent::runtime
