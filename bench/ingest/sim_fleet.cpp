#include "bench/ingest/sim_fleet.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>
#include <thread>

#include "bench/ingest/bench_support.h"
#include "common/json/json.h"
#include "common/mqtt/socket_nodelay.h"

namespace ferry::bench {

// Publishes handed to Paho and not yet PUBACKed, fleet-wide, and the driver's wake-up.
// Paho C queues the publishes of every client of the process in one command list. With
// only the per-agent limit (up to 100 each in that list) the simulator's CPU per message
// grew with the fleet: 58 µs at 100 agents, 127 µs at 1,000; with this cap of 1,000 in
// all, 47 and 70 µs (one agent: 24 µs).
class SimFleet::Pacer {
 public:
  explicit Pacer(std::uint32_t limit) : limit_(limit) {}

  bool hasRoom() const { return inPaho_.load() < limit_; }
  void handedOver() { inPaho_.fetch_add(1); }
  // Waking the driver once per PUBACK cost a context switch each; at half the cap it
  // refills in bulk.
  void settled() {
    if (inPaho_.fetch_sub(1) - 1 == limit_ / 2) notify();
  }
  void notify() {
    {
      std::lock_guard lock(mu_);
      pending_ = true;
    }
    cv_.notify_one();
  }
  void waitFor(std::chrono::milliseconds d) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, d, [this] { return pending_; });
    pending_ = false;
  }

 private:
  const std::uint32_t limit_;
  std::atomic<std::uint32_t> inPaho_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_
};

namespace {

using Clock = std::chrono::steady_clock;

// Numbers the epochs of every fleet of the process: an agent id comes back in the next
// fleet, and an epoch it used before would meet its retained ack.
std::atomic<int> runs{0};

// ISO-8601 UTC with milliseconds, the envelope's `ts`.
std::string isoNow() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms.count()));
  return out;
}

void waitAll(std::vector<::mqtt::token_ptr>& tokens, const char* what) {
  for (auto& t : tokens) {
    try {
      if (!t->wait_for(std::chrono::seconds(60))) die(std::string(what) + " timed out");
    } catch (const ::mqtt::exception& e) {
      die(std::string(what) + " failed: " + e.what());
    }
  }
  tokens.clear();
}

}  // namespace

// One simulated agent. Paho's threads call on_success/on_failure (its PUBACKs) and the
// message handler; everything else belongs to the driver thread.
struct SimFleet::Agent final : public ::mqtt::iaction_listener {
  Agent(std::string agentId, Pacer& p)
      : id(std::move(agentId)),
        eventsTopic("ferry/v1/agents/" + id + "/events"),
        baselineTopic("bench/v1/agents/" + id + "/events"),
        acksTopic("ferry/v1/agents/" + id + "/acks"),
        desiredTopic("ferry/v1/agents/" + id + "/desired"),
        reportedTopic("ferry/v1/agents/" + id + "/reported"),
        pacer(p) {}

  void on_success(const ::mqtt::token&) override { settled(); }
  void on_failure(const ::mqtt::token&) override {
    failed.fetch_add(1);
    settled();
  }

  void settled() {
    if (brokerAcks.load(std::memory_order_relaxed)) acked.fetch_add(1);
    outstanding.fetch_sub(1);
    pacer.settled();
  }

  void onMessage(const ::mqtt::message& m) {
    const std::string& topic = m.get_topic();
    const std::string& payload = m.get_payload_str();
    if (payload.empty()) return;  // a cleared retained message
    auto doc = ferry::Json::parse(payload, nullptr, false);
    if (!doc.is_object()) die("agent " + id + ": malformed message on " + topic);
    if (topic == acksTopic) {
      if (doc.value("epoch", "") != currentEpoch()) return;  // an older run's retained ack
      const auto upTo = doc.value("upTo", std::uint64_t{0});
      std::uint64_t seen = acked.load();
      while (upTo > seen && !acked.compare_exchange_weak(seen, upTo)) {
      }
      pacer.notify();
    } else if (topic == desiredTopic) {
      desiredAt = Clock::now().time_since_epoch().count();
      // Answered on Paho's thread, at once: the figure is the controller's and the broker's
      // part of a deploy, not an agent's apply.
      const ferry::Json reported = {{"appliedVersion", doc.value("version", 0)},
                                    {"agentVersion", "sim"},
                                    {"epoch", currentEpoch()},
                                    {"stats", ferry::Json::object()},
                                    {"flows", ferry::Json::object()}};
      const std::string text = reported.dump();
      try {
        client->publish(reportedTopic, text.data(), text.size(), 1, true);
      } catch (const ::mqtt::exception& e) {
        die("agent " + id + ": reported not published: " + e.what());
      }
    }
  }

  std::string currentEpoch() {
    std::lock_guard lock(epochMutex);
    return epoch;
  }

  const std::string id;
  const std::string eventsTopic, baselineTopic, acksTopic, desiredTopic, reportedTopic;
  Pacer& pacer;
  std::unique_ptr<::mqtt::async_client> client;

  // Shared with Paho's threads.
  std::atomic<std::uint64_t> acked{0};        // the ack's upTo, or (baseline) the PUBACK count
  std::atomic<std::uint32_t> outstanding{0};  // published, not yet PUBACKed
  std::atomic<std::uint64_t> failed{0};
  std::atomic<bool> brokerAcks{false};
  std::atomic<Clock::rep> desiredAt{0};  // when the last `desired` arrived
  std::mutex epochMutex;
  std::string epoch = "boot";  // guarded by epochMutex; the driver changes it between runs

  // The driver's.
  std::string driverEpoch;  // epoch, without the lock
  std::uint64_t nextSeq = 1;
  std::uint64_t lastAcked = 0;
  Clock::time_point lastProgress;
};

SimFleet::SimFleet(Options options)
    : options_(std::move(options)),
      pacer_(std::make_unique<Pacer>(static_cast<std::uint32_t>(options_.fleetPahoWindow))) {}

SimFleet::~SimFleet() {
  std::vector<::mqtt::token_ptr> tokens;
  for (auto& a : agents_) {
    try {
      if (a->client && a->client->is_connected()) tokens.push_back(a->client->disconnect());
    } catch (const ::mqtt::exception&) {
      // Going away anyway; the broker drops the connection.
    }
  }
  for (auto& t : tokens) {
    try {
      t->wait_for(std::chrono::seconds(5));
    } catch (const ::mqtt::exception&) {
      // As above.
    }
  }
}

std::chrono::steady_clock::time_point SimFleet::desiredArrived(std::size_t index) const {
  return Clock::time_point(Clock::duration(agents_.at(index)->desiredAt.load()));
}

std::string SimFleet::agentId(std::size_t index) {
  std::string n = std::to_string(index);
  return "sim-" + std::string(n.size() < 4 ? 4 - n.size() : 0, '0') + n;
}

std::string SimFleet::eventPayload(const std::string& agent, const std::string& epoch,
                                   std::uint64_t seq, const std::string& ts) {
  const std::string n = std::to_string(seq);
  std::string out;
  out.reserve(256);
  out += R"({"agent":")" + agent + R"(","epoch":")" + epoch + R"(","seq":)" + n;
  if (seq % 100 == 0) {
    out += R"(,"type":"heartbeat","ts":")" + ts +
           R"(","body":{"stats":{"outboxBacklog":0,"oldestUndeliveredAgeSeconds":0,)"
           R"("queueDepth":0}}})";
  } else {
    // A run of 1,000 progress events, as a flow reports one page after another.
    out += R"(,"type":"run.progress","ts":")" + ts + R"(","body":{"runId":")" + epoch + "-r" +
           std::to_string(seq / 1000) + R"(","counts":{"read":)" + n +
           R"(,"filtered":0,"written":)" + n + R"(,"failed":0}}})";
  }
  return out;
}

double SimFleet::connect() {
  const auto start = Clock::now();
  const std::set<int> socketsBefore = mqtt::openSockets();
  std::vector<::mqtt::token_ptr> tokens;
  for (std::size_t i = 0; i < options_.agents; ++i) {
    auto a = std::make_unique<Agent>(agentId(i), *pacer_);
    ::mqtt::create_options create(MQTTVERSION_5);
    // Room above the driver's own limit, so Paho never refuses while connected.
    create.set_max_buffered_messages(static_cast<int>(options_.pahoWindow) * 2);
    a->client = std::make_unique<::mqtt::async_client>(
        options_.brokerUrl, a->id + "-" + std::to_string(options_.agents), create);
    Agent* raw = a.get();
    a->client->set_message_callback([raw](::mqtt::const_message_ptr m) { raw->onMessage(*m); });
    ::mqtt::connect_options opts;
    opts.set_mqtt_version(MQTTVERSION_5);
    opts.set_clean_start(true);
    opts.set_keep_alive_interval(60);
    opts.set_connect_timeout(30);
    try {
      tokens.push_back(a->client->connect(opts));
    } catch (const ::mqtt::exception& e) {
      die("agent " + a->id + " cannot connect: " + e.what());
    }
    agents_.push_back(std::move(a));
  }
  waitAll(tokens, "connecting the simulated agents");
  // As ferry-agent's transport does (common/mqtt/socket_nodelay.h): no Nagle delay.
  const std::string& url = options_.brokerUrl;
  mqtt::disableNagleOnNewSockets(socketsBefore, std::atoi(url.substr(url.rfind(':') + 1).c_str()));
  for (auto& a : agents_) {
    auto filters = ::mqtt::string_collection::create({a->acksTopic, a->desiredTopic});
    tokens.push_back(a->client->subscribe(filters, {1, 1}));
  }
  waitAll(tokens, "subscribing the simulated agents");
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void SimFleet::startRun(bool brokerAcks) {
  // A late PUBACK of the previous run would count as a baseline acknowledgement.
  for (auto& a : agents_) {
    const auto until = Clock::now() + std::chrono::seconds(30);
    while (a->outstanding.load() > 0) {
      if (Clock::now() > until) die("agent " + a->id + ": publishes never acknowledged");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  const int run = ++runs;
  const auto now = Clock::now();
  for (auto& a : agents_) {
    a->driverEpoch = "run" + std::to_string(run) + "-" + a->id;
    {
      std::lock_guard lock(a->epochMutex);
      a->epoch = a->driverEpoch;
    }
    a->acked = 0;
    a->brokerAcks = brokerAcks;
    a->nextSeq = 1;
    a->lastAcked = 0;
    a->lastProgress = now;
  }
}

bool SimFleet::pump(Agent& a, std::uint64_t perAgent, bool brokerAcks, const std::string& ts,
                    Outcome& out) {
  const auto now = Clock::now();
  const std::uint64_t acked = a.acked.load();
  if (acked > a.lastAcked) {
    a.lastAcked = acked;
    a.lastProgress = now;
    a.nextSeq = std::max(a.nextSeq, acked + 1);
  } else if (!brokerAcks && a.nextSeq - 1 > acked && now - a.lastProgress > options_.resendAfter) {
    // Like ferry-agent: nothing acknowledged for a while, so send again from the prefix.
    out.resent += a.nextSeq - 1 - acked;
    if (out.resentBy.size() < 5) {
      out.resentBy.push_back(a.id + " (acked " + std::to_string(acked) + " of " +
                             std::to_string(a.nextSeq - 1) + " sent)");
    }
    a.nextSeq = acked + 1;
    a.lastProgress = now;
  }
  const std::string& topic = brokerAcks ? a.baselineTopic : a.eventsTopic;
  bool progressed = false;
  while (a.nextSeq <= perAgent && a.nextSeq - 1 - acked < options_.window &&
         a.outstanding.load() < options_.pahoWindow && pacer_->hasRoom()) {
    const std::string payload = eventPayload(a.id, a.driverEpoch, a.nextSeq, ts);
    a.outstanding.fetch_add(1);
    pacer_->handedOver();
    try {
      a.client->publish(topic, payload.data(), payload.size(), 1, false, nullptr, a);
    } catch (const ::mqtt::exception&) {
      // Back-pressure from Paho's buffer: this agent waits for its next turn.
      a.outstanding.fetch_sub(1);
      pacer_->settled();
      ++out.refusedByPaho;
      break;
    }
    if (out.published++ == 0) out.firstPublish = Clock::now();
    ++a.nextSeq;
    progressed = true;
  }
  if (a.failed.load() > 0) die("agent " + a.id + ": the broker refused a publish");
  return progressed;
}

SimFleet::Outcome SimFleet::publish(std::uint64_t perAgent, AckedBy ackedBy) {
  const bool brokerAcks = ackedBy == AckedBy::kBroker;
  startRun(brokerAcks);
  Outcome out;
  const auto deadline = Clock::now() + options_.timeout;
  const std::size_t n = agents_.size();
  std::size_t cursor = 0;  // where the next pass starts, so every agent gets its turn at the cap
  for (;;) {
    const std::string ts = isoNow();
    bool progressed = false;
    std::size_t done = 0;
    for (std::size_t k = 0; k < n; ++k) {
      Agent& a = *agents_[(cursor + k) % n];
      if (a.acked.load() >= perAgent) {
        ++done;
        continue;
      }
      progressed |= pump(a, perAgent, brokerAcks, ts, out);
      if (!pacer_->hasRoom()) {
        cursor = (cursor + k + 1) % n;
        break;
      }
    }
    if (done == n) {
      out.allAcked = Clock::now();
      return out;
    }
    if (Clock::now() > deadline) {
      die("the simulated agents were not acknowledged within the timeout");
    }
    if (!progressed || !pacer_->hasRoom()) pacer_->waitFor(std::chrono::milliseconds(1));
  }
}

}  // namespace ferry::bench
