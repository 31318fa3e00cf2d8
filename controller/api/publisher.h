#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/log/logger.h"
#include "controller/store/records.h"

namespace ferry::controller::api {

// Where what the API stored for an agent goes next: the sync side publishes a desired
// document, retained, on ferry/v1/agents/{agentId}/desired, and a command on its
// `commands`. The API calls it after the store holds the document or command, so a
// publisher that fails loses nothing: the sync side re-publishes every agent's latest
// deployment when it (re)connects, and unanswered commands whenever their agent comes
// online.
// Thread-safety: called from the HTTP worker threads, possibly concurrently.
class AgentPublisher {
 public:
  virtual ~AgentPublisher() = default;
  virtual void publishDesired(const std::string& agentId, std::int64_t version,
                              const std::string& documentJson) = 0;
  virtual void publishCommand(const store::CommandRecord& command) = 0;
};

// Without a broker (no mqtt.url): logs that a document or command waits for the agent.
class LoggingAgentPublisher final : public AgentPublisher {
 public:
  explicit LoggingAgentPublisher(Logger logger) : logger_(std::move(logger)) {}
  void publishDesired(const std::string& agentId, std::int64_t version,
                      const std::string& documentJson) override {
    logger_.info("desired document ready for the agent",
                 {{"agent", agentId},
                  {"version", version},
                  {"bytes", static_cast<std::int64_t>(documentJson.size())}});
  }
  void publishCommand(const store::CommandRecord& command) override {
    logger_.info(
        "command stored for the agent",
        {{"agent", command.agentId}, {"command", command.commandId}, {"type", command.type}});
  }

 private:
  Logger logger_;
};

}  // namespace ferry::controller::api
