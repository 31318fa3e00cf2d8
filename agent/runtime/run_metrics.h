#pragma once

#include "agent/queue/log_queue.h"
#include "agent/queue/outbox.h"
#include "agent/runtime/flow_runner.h"
#include "common/metrics/registry.h"

namespace ferry::agent::runtime {

// The agent's /metrics (docs/running-flows.md "Metrics"): runs by flow and state, records
// by flow and outcome, and, read at each scrape, queue depth and bytes, each flow's lag in
// pages, and the outbox backlog. Label values are flow, topic and state names only.
void countRun(metrics::Registry& registry, const RunSummary& run);

// Registers the scrape-time gauges; `queue` and `outbox` (may be null) must outlive every
// render of `registry`.
void registerQueueGauges(metrics::Registry& registry, queue::LogQueue& queue,
                         queue::Outbox* outbox);

}  // namespace ferry::agent::runtime
