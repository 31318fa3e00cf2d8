#pragma once

#include <functional>
#include <string>

#include "agent/runtime/page_processor.h"

namespace ferry::agent::runtime {

// Opens the lookups and destinations a flow's steps name, through the connector registry.
struct StepConnectorOptions {
  bool imports = true;  // preview opens lookups only: it never writes
  // Runs each open; the runner retries transient failures through it. Default: once.
  std::function<connectors::Outcome(const std::string& what,
                                    const std::function<connectors::Outcome()>& open)>
      attempt;
  // When set, a lookup that does not open is reported here and left out (its rows are then
  // skipped) instead of failing the whole call.
  std::function<void(const std::string& lookupId, const Status& why)> lookupUnavailable;
};

Result<PageProcessor::Connectors> openStepConnectors(const model::Definitions& definitions,
                                                     const model::Flow& flow,
                                                     const connectors::ConnectorContext& context,
                                                     const StepConnectorOptions& options = {});

}  // namespace ferry::agent::runtime
