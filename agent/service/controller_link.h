#pragma once

#include <memory>
#include <string>

#include "agent/service/flow_host.h"
#include "agent/sync/agent_link.h"
#include "common/config/agent_config.h"

namespace ferry::agent {

// Ties the controller link to the flows: desired documents become the host's definitions,
// commands run on the host, and the host's figures feed `reported` and heartbeats.
class ControllerLink final : public sync::AgentLinkHandler {
 public:
  // Needs cfg.agentId and cfg.mqtt.url; the host must have an outbox (it does whenever
  // mqtt.url is set) and outlive the link. With a local `definitions` file the controller's
  // documents are rejected, and say why.
  static Result<std::unique_ptr<ControllerLink>> start(const config::AgentConfig& cfg,
                                                       const std::string& stateDir, FlowHost& host,
                                                       sync::DesiredState desired,
                                                       const Logger& log);
  ~ControllerLink() override;

  Status applyDefinitions(std::shared_ptr<const model::Definitions> definitions) override;
  sync::CommandJournal::Answer runCommand(const protocol::CommandMessage& command) override;
  ferry::Json runtimeStats() override { return host_.runtimeStats(); }
  ferry::Json flowsReport() override { return host_.flowsReport(); }

  ControllerLink(FlowHost& host, std::string localDefinitions, sync::DesiredState desired,
                 sync::CommandJournal journal)
      : host_(host),
        localDefinitions_(std::move(localDefinitions)),
        desired_(std::move(desired)),
        journal_(std::move(journal)) {}

 private:
  FlowHost& host_;
  std::string localDefinitions_;
  sync::DesiredState desired_;
  sync::CommandJournal journal_;
  std::unique_ptr<sync::AgentLink> link_;
};

}  // namespace ferry::agent
