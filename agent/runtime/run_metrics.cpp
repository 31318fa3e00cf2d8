#include "agent/runtime/run_metrics.h"

namespace ferry::agent::runtime {

void countRun(metrics::Registry& registry, const RunSummary& run) {
  registry
      .counter("ferry_agent_runs_total", "Flow runs by flow and final state.",
               {{"flow", run.flowId}, {"state", std::string(runStateName(run.state))}})
      .inc();
  const std::pair<const char*, std::uint64_t> outcomes[] = {{"read", run.counts.read},
                                                            {"filtered", run.counts.filtered},
                                                            {"written", run.counts.written},
                                                            {"failed", run.counts.failed}};
  for (const auto& [outcome, n] : outcomes) {
    registry
        .counter("ferry_agent_records_total",
                 "Records by flow and outcome (written counts rows accepted by destinations).",
                 {{"flow", run.flowId}, {"outcome", outcome}})
        .inc(static_cast<double>(n));
  }
}

void registerQueueGauges(metrics::Registry& registry, queue::LogQueue& queue,
                         queue::Outbox* outbox) {
  registry.onRender([&registry, &queue, outbox] {
    auto stats = queue.stats();
    if (stats) {
      registry.gauge("ferry_agent_queue_bytes", "Bytes the durable queue holds.")
          .set(static_cast<double>(stats->bytesUsed));
      registry.gauge("ferry_agent_queue_quota_bytes", "The durable queue's quota.")
          .set(static_cast<double>(stats->quotaBytes));
      for (const auto& [topic, pages] : stats->depthPages) {
        registry
            .gauge("ferry_agent_queue_pages", "Pages retained per topic (export).",
                   {{"topic", topic}})
            .set(static_cast<double>(pages));
      }
      for (const auto& c : stats->consumers) {
        registry
            .gauge("ferry_agent_flow_lag_pages",
                   "Pages queued for a flow that it has not processed yet.",
                   {{"flow", c.consumer}, {"topic", c.topic}})
            .set(static_cast<double>(c.lagPages));
      }
    }
    if (outbox != nullptr) {
      auto backlog = outbox->stats();
      if (backlog) {
        registry
            .gauge("ferry_agent_outbox_events",
                   "Events waiting in the outbox for the controller to acknowledge.")
            .set(static_cast<double>(backlog->count));
      }
    }
  });
}

}  // namespace ferry::agent::runtime
