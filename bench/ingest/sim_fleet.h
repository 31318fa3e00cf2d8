#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ferry::bench {

// N simulated agents in one process, each its own Paho async client (Paho C runs every
// client of a process on the same two threads: one sends, one receives and calls back).
// They speak the agent side of docs/protocol.md that ingest and deploy need:
//   - `events` in the envelope {agent, epoch, seq, type, ts, body}, QoS 1, at most `window`
//     published and not acknowledged per agent, re-sent from the acknowledged prefix after
//     `resendAfter` without progress (ferry-agent's AgentLink::Options defaults);
//   - retained `acks` {"epoch", "upTo"} of their own epoch free the window;
//   - a `desired` document is answered at once with a retained `reported` of its version
//     (nothing is applied), so deploy-to-reported measures the controller and the broker.
// Errors end the benchmark (die); a benchmark has no one to report a Status to.
// Not thread-safe: one thread drives the fleet.
class SimFleet {
 public:
  struct Options {
    std::string brokerUrl;
    std::size_t agents = 1;
    std::size_t window = 1000;  // events published and not acknowledged, per agent
    // Publishes not yet PUBACKed, per agent. Paho C++ 1.2 refuses publishes past its
    // buffer ("No more messages can be buffered", TOOLCHAIN.md §8), so the simulator stays
    // below it instead of relying on the error.
    std::size_t pahoWindow = 100;
    // The same, fleet-wide (see Pacer in sim_fleet.cpp).
    std::size_t fleetPahoWindow = 1000;
    std::chrono::milliseconds resendAfter{std::chrono::seconds(10)};
    std::chrono::seconds timeout{std::chrono::seconds(150)};  // a run that takes longer dies
  };

  // Where acknowledgements come from in publish().
  enum class AckedBy {
    kController,  // on ferry/v1/agents/{id}/events; done when every agent's ack covers all
    kBroker,      // baseline, on bench/v1/agents/{id}/events; done when all are PUBACKed
  };

  struct Outcome {
    std::chrono::steady_clock::time_point firstPublish;
    std::chrono::steady_clock::time_point allAcked;
    std::uint64_t published = 0;  // re-sends included
    std::uint64_t resent = 0;
    std::vector<std::string> resentBy;  // the first few agents that re-sent, and how far
    std::uint64_t refusedByPaho = 0;    // publishes Paho refused and the driver retried
  };

  explicit SimFleet(Options options);
  ~SimFleet();
  SimFleet(const SimFleet&) = delete;
  SimFleet& operator=(const SimFleet&) = delete;

  // Connects every agent and subscribes it to its `acks` and `desired`; returns seconds.
  double connect();

  // Every agent publishes `perAgent` events of a fresh epoch (seq 1..perAgent).
  Outcome publish(std::uint64_t perAgent, AckedBy ackedBy);

  // When agent `index` last received a `desired` document (the epoch when never).
  std::chrono::steady_clock::time_point desiredArrived(std::size_t index) const;

  // "sim-0000", "sim-0001", …
  static std::string agentId(std::size_t index);
  // The payload of event `seq` of `agent` in `epoch`: run.progress, every 100th a heartbeat.
  static std::string eventPayload(const std::string& agent, const std::string& epoch,
                                  std::uint64_t seq, const std::string& ts);

 private:
  struct Agent;  // both defined in sim_fleet.cpp
  class Pacer;

  // Waits for the previous run's PUBACKs, then gives every agent a fresh epoch.
  void startRun(bool brokerAcks);
  // One agent's turn: re-sends after the timeout, publishes while its windows have room;
  // true when it published.
  bool pump(Agent& agent, std::uint64_t perAgent, bool brokerAcks, const std::string& ts,
            Outcome& out);

  Options options_;
  std::unique_ptr<Pacer> pacer_;
  std::vector<std::unique_ptr<Agent>> agents_;
};

}  // namespace ferry::bench
