#include "agent/runtime/error_retry.h"

#include <algorithm>

#include "agent/runtime/page_processor.h"
#include "agent/runtime/step_connectors.h"

namespace ferry::agent::runtime {

using json = ferry::Json;

namespace {

Result<PageResult> retryOne(const StoredError& error, const json& record,
                            const model::Definitions& defs, const std::string& queueId,
                            const connectors::ConnectorContext& context) {
  const model::Flow* flow = defs.findFlow(error.flowId);
  if (flow == nullptr) {
    return Status::failedPrecondition("flow " + error.flowId + " is no longer defined");
  }
  if (error.stepIndex >= flow->steps.size() && !flow->steps.empty()) {
    return Status::failedPrecondition("flow " + error.flowId + " has no step " +
                                      std::to_string(error.stepIndex) + " any more");
  }
  model::Flow rest = *flow;
  rest.steps.assign(flow->steps.begin() + static_cast<std::ptrdiff_t>(error.stepIndex),
                    flow->steps.end());
  auto connectors = openStepConnectors(defs, rest, context);
  if (!connectors) return connectors.status();
  auto processor = PageProcessor::create(defs, rest, std::move(*connectors));
  if (!processor) return processor.status();
  connectors::PageId page{queueId, flow->id, "", "retry:" + error.errorId, 1};
  PageResult result = (*processor)->process(page, {record});
  for (auto& e : result.errors) e.stepIndex += error.stepIndex;
  return result;
}

}  // namespace

std::vector<RetryOutcome> retryErrors(RunStore& store, const model::Definitions& definitions,
                                      const std::string& queueId,
                                      const connectors::ConnectorContext& context,
                                      const std::vector<std::string>& errorIds,
                                      const std::optional<json>& edited) {
  std::vector<RetryOutcome> out;
  auto all = store.errors("", 1000000);
  for (const auto& id : errorIds) {
    RetryOutcome o{id};
    if (!all) {
      o.failed = true;
      o.message = "not retried: " + all.status().message();
      out.push_back(std::move(o));
      continue;
    }
    auto it = std::find_if(all->begin(), all->end(),
                           [&](const StoredError& e) { return e.errorId == id; });
    if (it == all->end()) {
      o.failed = true;
      o.message = "no such error";
    } else if (it->state == "resolved") {
      o.message = "already resolved";
    } else {
      auto result = retryOne(*it, edited ? *edited : it->record, definitions, queueId, context);
      if (!result || !result->outcome.ok()) {
        o.failed = true;
        o.message = "not retried: " +
                    (result ? result->outcome.status.message() : result.status().message());
      } else if (!result->errors.empty()) {
        o.failed = true;
        o.message = "failed again at " + result->errors[0].step + ": " + result->errors[0].message;
      } else {
        auto resolved = store.resolve({id});
        o.retried = resolved.isOk();
        o.message = resolved ? "retried, resolved" : "retried, not marked resolved";
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace ferry::agent::runtime
