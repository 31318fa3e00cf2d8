#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "common/log/logger.h"

namespace ferry::controller::api {

// Where a stored desired-state document goes next: the sync side publishes it, retained,
// on ferry/v1/agents/{agentId}/desired. The API calls it after the store holds the
// document, so a publisher that fails loses nothing: the sync side re-publishes every
// agent's latest deployment when it (re)connects.
// Thread-safety: called from the HTTP worker threads, possibly concurrently.
class DesiredPublisher {
 public:
  virtual ~DesiredPublisher() = default;
  virtual void publishDesired(const std::string& agentId, std::int64_t version,
                              const std::string& documentJson) = 0;
};

// Until the MQTT link exists: logs that a document is ready for the agent.
class LoggingDesiredPublisher final : public DesiredPublisher {
 public:
  explicit LoggingDesiredPublisher(Logger logger) : logger_(std::move(logger)) {}
  void publishDesired(const std::string& agentId, std::int64_t version,
                      const std::string& documentJson) override {
    logger_.info("desired document ready for the agent",
                 {{"agent", agentId},
                  {"version", version},
                  {"bytes", static_cast<std::int64_t>(documentJson.size())}});
  }

 private:
  Logger logger_;
};

}  // namespace ferry::controller::api
