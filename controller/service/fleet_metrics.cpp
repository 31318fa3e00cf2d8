#include "controller/service/fleet_metrics.h"

#include "common/json/json.h"

namespace ferry::controller {

void registerFleetMetrics(metrics::Registry& registry, store::Store& store, const Clock& clock) {
  registry.onRender([&registry, &store, &clock] {
    auto agents = store.listAgents();
    if (!agents) return;  // a scrape during a store outage shows the last values
    const auto nowMs =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch())
            .count();
    double online = 0;
    for (const auto& a : *agents) {
      online += a.online ? 1 : 0;
      const metrics::Labels agent = {{"agent", a.id}};
      registry.gauge("ferry_agent_online", "1 while the agent's MQTT session is up.", agent)
          .set(a.online ? 1 : 0);
      registry
          .gauge("ferry_agent_outbox_backlog_events",
                 "Events the agent holds that the controller has not acknowledged (as reported).",
                 agent)
          .set(static_cast<double>(a.stats.outboxBacklog));
      registry
          .gauge("ferry_agent_oldest_undelivered_event_age_seconds",
                 "Age of the agent's oldest unacknowledged event (as reported).", agent)
          .set(static_cast<double>(a.stats.oldestUndeliveredAgeSeconds));
      registry
          .gauge("ferry_agent_queue_depth_pages", "Pages in the agent's queue (as reported).",
                 agent)
          .set(static_cast<double>(a.stats.queueDepth));
      if (a.lastSeenMs > 0) {
        registry
            .gauge("ferry_agent_last_seen_age_seconds", "Seconds since the agent was last heard.",
                   agent)
            .set(static_cast<double>(nowMs - a.lastSeenMs) / 1000.0);
      }
      const auto stats = ferry::Json::parse(a.stats.json, nullptr, false);
      if (stats.is_object() && stats.contains("flows") && stats["flows"].is_object()) {
        for (const auto& [flow, figures] : stats["flows"].items()) {
          if (!figures.is_object() || !figures.contains("watermarkLagSeconds") ||
              !figures["watermarkLagSeconds"].is_number()) {
            continue;
          }
          registry
              .gauge("ferry_flow_watermark_lag_seconds",
                     "How far a flow's export watermark trails now (as reported).",
                     {{"agent", a.id}, {"flow", flow}})
              .set(figures["watermarkLagSeconds"].get<double>());
        }
      }
    }
    registry.gauge("ferry_agents", "Agents known to the controller.")
        .set(static_cast<double>(agents->size()));
    registry.gauge("ferry_agents_online", "Agents with an MQTT session up.").set(online);
  });
}

}  // namespace ferry::controller
