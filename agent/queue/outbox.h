#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status/result.h"

namespace ferry::agent::queue {

// An event waiting for the controller's acknowledgement.
struct OutboxEvent {
  std::uint64_t seq = 0;  // outbox sequence within the epoch, from 1, never reused
  std::string type;       // run.started, run.progress, heartbeat, …
  std::int64_t createdAtMillis = 0;
  std::string body;  // the event body, JSON text
};

struct OutboxStats {
  std::uint64_t count = 0;
  std::int64_t bytes = 0;
  double oldestAgeSeconds = 0;
  std::uint64_t droppedSuperseded = 0;  // refused at the quota since the outbox was created
  std::uint64_t lastSeq = 0;
};

// Events to the controller (DESIGN.md "Outbox and events"), in <stateDir>/outbox.db.
// Superseded kinds (run.progress, heartbeat) are refused once the quota is reached, and
// counted; essential kinds (run.started/finished, record.error, error.closed,
// command.result) are still accepted up to the hard cap, past which push() fails with
// kResourceExhausted so the engine pauses exports. Thread-safe.
class Outbox {
 public:
  struct Options {
    std::string stateDir;
    std::int64_t quotaBytes = std::int64_t{64} << 20;  // agent.json outbox.quotaBytes
    std::int64_t hardCapBytes = 0;  // 0: quota + 25 % (room for every run's final state)
    std::string synchronous = "FULL";
  };
  enum class Pushed { kStored, kDroppedSuperseded };
  struct PushResult {
    Pushed outcome = Pushed::kStored;
    std::uint64_t seq = 0;  // 0 when dropped
  };

  static Result<std::unique_ptr<Outbox>> open(const Options& options);
  ~Outbox();

  static bool isSuperseded(const std::string& type);

  // Stores the event durably and assigns its sequence number.
  Result<PushResult> push(const std::string& type, const std::string& body);
  // Up to `max` events after `afterSeq`, in order.
  Result<std::vector<OutboxEvent>> pending(std::uint64_t afterSeq, std::size_t max);
  // Deletes every event up to `seq` (the controller stored them). A stale ack is harmless.
  Status ackUpTo(std::uint64_t seq);
  Result<OutboxStats> stats();
  // True once the outbox holds its quota: exports pause until the link delivers, so the
  // room up to the hard cap stays for runs' final states.
  bool overQuota();
  // The sequence number of the newest event (0 when none was ever pushed); cheap.
  Result<std::uint64_t> lastSeq();

  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);  // use open()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::agent::queue
