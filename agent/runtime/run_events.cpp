#include "agent/runtime/run_events.h"

namespace ferry::agent::runtime {

void OutboxRunEvents::emit(const std::string& type, const ferry::Json& body) {
  auto pushed = outbox_.push(type, body.dump());
  if (!pushed) {
    log_.error("event not stored in the outbox",
               {{"type", type}, {"error", pushed.status().message()}});
  }
}

Result<RunEventsLink> openRunEvents(const config::AgentConfig& cfg, const std::string& stateDir,
                                    const Logger& logger) {
  RunEventsLink link;
  if (cfg.mqtt.url.empty()) return link;
  queue::Outbox::Options options;
  options.stateDir = stateDir;
  options.quotaBytes = cfg.outboxQuotaBytes;
  options.synchronous = cfg.queue.synchronous;
  auto outbox = queue::Outbox::open(options);
  if (!outbox) return outbox.status();
  link.outbox = std::move(*outbox);
  link.events = std::make_unique<OutboxRunEvents>(*link.outbox, logger);
  return link;
}

}  // namespace ferry::agent::runtime
