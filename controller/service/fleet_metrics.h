#pragma once

#include "common/metrics/registry.h"
#include "controller/store/store.h"

namespace ferry::controller {

// Fleet gauges read from the store at each scrape, so a silent agent is visible before
// anyone asks: agents known and online, and per agent its outbox backlog, the age of its
// oldest undelivered event, its queue depth, each flow's watermark lag (from the stats the
// agent last reported) and the seconds since it was last seen. `store` must outlive every
// render of `registry`.
void registerFleetMetrics(metrics::Registry& registry, store::Store& store, const Clock& clock);

}  // namespace ferry::controller
