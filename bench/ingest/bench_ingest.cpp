// bench/run.sh ingest [events] — the controller's event ingest and deploy round trip, with
// the real ferry-controller (SQLite store) and a real mosquitto started here on loopback:
//  (a) a fleet of 1, 100 and 1,000 simulated agents (sim_fleet.h) publishes `events` (QoS 1,
//      `events` per fleet size, split evenly) and waits for the controller's acks: events
//      stored and acknowledged per second, from the first publish to the last ack. Baseline,
//      in the same run: the same simulator publishes the same number of messages of the same
//      size (acknowledged by the broker's PUBACK) to a plain subscriber in another process,
//      from the first publish to the last message delivered.
//  (b) deploy to `reported`: from POST /integrations/{id}/deploy until the API shows the new
//      appliedVersion, for one agent (100 deploys) and for 1,000 agents at once (3 deploys).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/ingest/bench_support.h"
#include "bench/ingest/count_subscriber.h"
#include "bench/ingest/servers.h"
#include "bench/ingest/sim_fleet.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace ferry;
using bench::die;

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Nearest rank: the smallest sample with at least p of them at or below it.
double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// CPU seconds of the three processes over a phase: on 2 cores they share, this says who
// was busy.
struct Cpu {
  double controller = 0, broker = 0, simulator = 0;
  static Cpu now(const bench::Controller& c, const bench::Mosquitto& b) {
    return {bench::cpuSecondsOf(c.pid()), bench::cpuSecondsOf(b.pid()), testing::selfCpuSeconds()};
  }
  Cpu operator-(const Cpu& o) const {
    return {controller - o.controller, broker - o.broker, simulator - o.simulator};
  }
};

// Agents sim-0000… and the resources of two integrations: bench-one (a flow on sim-0000)
// and bench-fleet (a flow on every agent). The resources follow tests/sync's definitions;
// the simulated agents never run them.
void createFleet(bench::Controller& c, std::size_t agents, const std::string& dir) {
  for (std::size_t i = 0; i < agents; ++i) {
    c.callOk("POST", "/api/v1/agents", {{"id", bench::SimFleet::agentId(i)}});
  }
  const Json resources =
      Json::array({{{"kind", "integration"}, {"id", "bench-one"}, {"name", "Bench, one agent"}},
                   {{"kind", "integration"}, {"id", "bench-fleet"}, {"name", "Bench, every agent"}},
                   {{"kind", "connection"},
                    {"id", "bench-db"},
                    {"type", "sqlite"},
                    {"settings", {{"path", dir + "/never-opened.db"}}}},
                   {{"kind", "export"},
                    {"id", "bench-rows"},
                    {"connection", "bench-db"},
                    {"type", "query"},
                    {"query", "SELECT * FROM src WHERE id >= :since ORDER BY id"},
                    {"delta", {{"field", "id"}, {"key", "id"}, {"initial", 0}}}},
                   {{"kind", "import"},
                    {"id", "bench-out"},
                    {"connection", "bench-db"},
                    {"type", "table"},
                    {"table", "dst"},
                    {"mode", "upsert"},
                    {"key", Json::array({"id"})}}});
  for (const auto& r : resources) c.callOk("POST", "/api/v1/resources", r);
  auto flow = [](const std::string& id, const std::string& integration, std::size_t agent) {
    return Json{{"kind", "flow"},
                {"id", id},
                {"integration", integration},
                {"agent", bench::SimFleet::agentId(agent)},
                {"sources", Json::array({"bench-rows"})},
                {"steps", Json::array({{{"import", "bench-out"}}})}};
  };
  c.callOk("POST", "/api/v1/resources", flow("one", "bench-one", 0));
  for (std::size_t i = 0; i < agents; ++i) {
    c.callOk("POST", "/api/v1/resources",
             flow("fleet-" + bench::SimFleet::agentId(i), "bench-fleet", i));
  }
}

// Runs the phases against one broker and one controller and collects the BENCH lines;
// the human-readable detail goes to stderr as it is measured.
class IngestBench {
 public:
  IngestBench(bench::Controller& controller, const bench::Mosquitto& broker, std::string dir)
      : c_(controller), b_(broker), dir_(std::move(dir)) {}

  void ingest(bench::SimFleet& fleet, std::size_t agents, std::uint64_t events);
  void deployToOneAgent(const bench::SimFleet& fleet, int deploys);
  void deployToFleet(const bench::SimFleet& fleet, std::size_t agents, int deploys);
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  struct Baseline {
    double rate = 0;  // messages/s delivered to the plain subscriber
    Cpu cpu;
    double subscriberCpu = 0;
  };
  Baseline baseline(bench::SimFleet& fleet, std::uint64_t perAgent, std::uint64_t total);
  // One fleet-wide deploy: ms until each agent is seen applied; fills the other figures.
  std::vector<double> deployFleetOnce(const bench::SimFleet& fleet, std::size_t agents,
                                      double& answeredMs, double& deliveredP99Ms);
  void line(const char* format, ...) __attribute__((format(printf, 2, 3)));

  bench::Controller& c_;
  const bench::Mosquitto& b_;
  std::string dir_;
  std::vector<std::string> lines_;
};

void IngestBench::line(const char* format, ...) {
  char buf[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  lines_.emplace_back(buf);
}

// The fleet publishes to bench/v1/agents/{id}/events (no controller listens there) and a
// plain subscriber in its own process counts, from the first publish to the last delivery.
IngestBench::Baseline IngestBench::baseline(bench::SimFleet& fleet, std::uint64_t perAgent,
                                            std::uint64_t total) {
  const std::string logDir = dir_ + "/subscriber-" + std::to_string(total / perAgent);
  std::filesystem::create_directories(logDir);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  testing::ChildProcess counter(
      {self, "--count", b_.url(), "bench/v1/agents/+/events", std::to_string(total)}, logDir);
  bench::killOnExit(counter.pid());
  if (!counter.waitForStderr("subscribed", std::chrono::seconds(30))) {
    die("the plain subscriber did not subscribe: " + counter.stderrText());
  }
  Baseline out;
  const Cpu before = Cpu::now(c_, b_);
  auto published = fleet.publish(perAgent, bench::SimFleet::AckedBy::kBroker);
  auto exit = counter.wait(std::chrono::seconds(160));
  out.cpu = Cpu::now(c_, b_) - before;
  bench::forgetOnExit(counter.pid());
  if (!exit || *exit != 0) die("the plain subscriber failed: " + counter.stderrText());
  unsigned long long received = 0;
  long long firstNs = 0, lastNs = 0;
  if (std::sscanf(counter.stdoutText().c_str(),
                  "received=%llu first_ns=%lld last_ns=%lld cpu_s=%lf", &received, &firstNs,
                  &lastNs, &out.subscriberCpu) != 4 ||
      received != total) {
    die("the plain subscriber reported: " + counter.stdoutText());
  }
  const auto startNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           published.firstPublish.time_since_epoch())
                           .count();
  out.rate = static_cast<double>(total) / (static_cast<double>(lastNs - startNs) / 1e9);
  return out;
}

void IngestBench::ingest(bench::SimFleet& fleet, std::size_t agents, std::uint64_t events) {
  const std::uint64_t perAgent = events / agents;
  const std::uint64_t total = perAgent * agents;
  const Baseline base = baseline(fleet, perAgent, total);

  const auto logBefore = c_.ingestLog();
  const long long storedBefore = c_.storedEvents();
  const Cpu before = Cpu::now(c_, b_);
  auto out = fleet.publish(perAgent, bench::SimFleet::AckedBy::kController);
  const Cpu cpu = Cpu::now(c_, b_) - before;
  const double seconds = secondsBetween(out.firstPublish, out.allAcked);
  const double rate = static_cast<double>(total) / seconds;
  // An ack promises the events are stored: check it, once each.
  const long long stored = c_.storedEvents() - storedBefore;
  if (stored != static_cast<long long>(total)) {
    die("the controller stored " + std::to_string(stored) + " events, not " +
        std::to_string(total));
  }
  const auto log = c_.ingestLog();
  const auto batches = static_cast<double>(log.batches - logBefore.batches);
  const double storeS = static_cast<double>(log.ms - logBefore.ms) / 1000;
  std::fprintf(stderr,
               "%zu agent(s), %llu events\n"
               "  baseline: %.0f msg/s (CPU s: broker %.1f, simulator %.1f, subscriber %.1f, "
               "controller idle %.1f)\n"
               "  ingest:   %.0f events/s, %.2f s; %.0f batches of %.0f events on average; "
               "store %.2f s (%.0f%% of the time); CPU s: controller %.1f, broker %.1f, "
               "simulator %.1f; %llu published, %llu re-sent, %llu refused by Paho\n",
               agents, static_cast<unsigned long long>(total), base.rate, base.cpu.broker,
               base.cpu.simulator, base.subscriberCpu, base.cpu.controller, rate, seconds, batches,
               batches > 0 ? static_cast<double>(log.events - logBefore.events) / batches : 0.0,
               storeS, 100 * storeS / seconds, cpu.controller, cpu.broker, cpu.simulator,
               static_cast<unsigned long long>(out.published),
               static_cast<unsigned long long>(out.resent),
               static_cast<unsigned long long>(out.refusedByPaho));
  for (const auto& who : out.resentBy) std::fprintf(stderr, "  re-sent by %s\n", who.c_str());
  line("BENCH ingest-%zu-agent%s events_per_s=%.0f baseline=%.0f ratio=%.2f", agents,
       agents == 1 ? "" : "s", rate, base.rate, rate / base.rate);
}

std::int64_t appliedVersion(const Json& agent) {
  auto it = agent.find("appliedVersion");
  return it != agent.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

// Each deploy of bench-one: from the POST until GET /agents/sim-0000 shows the new version
// applied, polled every 2 ms.
void IngestBench::deployToOneAgent(const bench::SimFleet& fleet, int deploys) {
  std::vector<double> ms, answered, delivered;
  for (int i = 0; i < deploys; ++i) {
    const auto start = Clock::now();
    Json r = c_.callOk("POST", "/api/v1/integrations/bench-one/deploy", Json::object());
    answered.push_back(secondsBetween(start, Clock::now()) * 1000);
    const std::int64_t version = r["deployments"][0]["version"];
    const auto deadline = start + std::chrono::seconds(30);
    while (appliedVersion(c_.callOk("GET", "/api/v1/agents/sim-0000")) != version) {
      if (Clock::now() > deadline) die("deploy " + std::to_string(version) + " never reported");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    ms.push_back(secondsBetween(start, Clock::now()) * 1000);
    delivered.push_back(secondsBetween(start, fleet.desiredArrived(0)) * 1000);
  }
  std::fprintf(stderr,
               "  deploy to reported, 1 agent, %d deploys: p50 %.1f ms, p99 %.1f ms, max %.1f ms "
               "(POST answered: p50 %.1f ms, p99 %.1f ms; desired at the agent: p50 %.1f ms, "
               "p99 %.1f ms)\n",
               deploys, percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0),
               percentile(answered, 0.5), percentile(answered, 0.99), percentile(delivered, 0.5),
               percentile(delivered, 0.99));
  line("BENCH deploy-reported-1-agent-p50 ms=%.1f", percentile(ms, 0.5));
  line("BENCH deploy-reported-1-agent-p99 ms=%.1f", percentile(ms, 0.99));
}

std::vector<double> IngestBench::deployFleetOnce(const bench::SimFleet& fleet, std::size_t agents,
                                                 double& answeredMs, double& deliveredP99Ms) {
  const auto start = Clock::now();
  Json r = c_.callOk("POST", "/api/v1/integrations/bench-fleet/deploy", Json::object());
  answeredMs = secondsBetween(start, Clock::now()) * 1000;
  std::map<std::string, std::int64_t> waiting;
  for (const auto& d : r["deployments"]) waiting[d["agent"]] = d["version"];
  std::vector<double> ms;
  const auto deadline = start + std::chrono::seconds(60);
  while (!waiting.empty()) {
    // The whole list costs the controller more than one agent's GET: every 20 ms.
    Json list = c_.callOk("GET", "/api/v1/agents");
    const double at = secondsBetween(start, Clock::now()) * 1000;
    for (const auto& a : list["items"]) {
      auto it = waiting.find(a["id"]);
      if (it != waiting.end() && appliedVersion(a) == it->second) {
        ms.push_back(at);
        waiting.erase(it);
      }
    }
    if (Clock::now() > deadline) die(std::to_string(waiting.size()) + " agents never reported");
    if (!waiting.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<double> delivered;
  for (std::size_t i = 0; i < agents; ++i) {
    delivered.push_back(secondsBetween(start, fleet.desiredArrived(i)) * 1000);
  }
  deliveredP99Ms = percentile(delivered, 0.99);
  return ms;
}

// Deploys of bench-fleet, each a new version for every agent.
void IngestBench::deployToFleet(const bench::SimFleet& fleet, std::size_t agents, int deploys) {
  std::vector<double> every, lasts;
  for (int i = 0; i < deploys; ++i) {
    double answered = 0, delivered = 0;
    auto ms = deployFleetOnce(fleet, agents, answered, delivered);
    std::fprintf(stderr,
                 "  deploy to reported, %zu agents: POST answered in %.0f ms; desired at 99%% of "
                 "the agents after %.0f ms; reported: p50 %.0f ms, p99 %.0f ms, all %.0f ms\n",
                 agents, answered, delivered, percentile(ms, 0.5), percentile(ms, 0.99),
                 percentile(ms, 1.0));
    every.insert(every.end(), ms.begin(), ms.end());
    lasts.push_back(percentile(ms, 1.0));
  }
  line("BENCH deploy-reported-%zu-agents-p99 ms=%.0f", agents, percentile(every, 0.99));
  // The median deploy's time until its last agent reported.
  line("BENCH deploy-reported-%zu-agents-all ms=%.0f", agents, percentile(lasts, 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "--count") {
    return bench::runCountSubscriber(argv[2], argv[3], std::stoull(argv[4]));
  }
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_ingest FERRY_CONTROLLER_BIN [events per fleet size]\n");
    return 2;
  }
  const std::string controllerBin = argv[1];
  const std::uint64_t events = argc > 2 ? std::stoull(argv[2]) : 100000;
  const std::vector<std::size_t> fleetSizes = {1, 100, 1000};

  testing::TempDir dir;
  bench::removeOnExit(dir.path());
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // see Mosquitto
  bench::Mosquitto broker(dir.file("broker"));
  bench::Controller controller(controllerBin, dir.file("controller"), broker.url());
  const auto setUp = Clock::now();
  createFleet(controller, fleetSizes.back(), dir.path());
  std::fprintf(stderr, "created %zu agents and their flows in %.1f s; broker limits:\n%s",
               fleetSizes.back(), secondsBetween(setUp, Clock::now()), bench::Mosquitto::kTuning);

  IngestBench run(controller, broker, dir.path());
  for (std::size_t agents : fleetSizes) {
    bench::SimFleet::Options options;
    options.brokerUrl = broker.url();
    options.agents = agents;
    bench::SimFleet fleet(options);
    const double connectS = fleet.connect();
    std::fprintf(stderr, "%zu agent(s) connected in %.2f s\n", agents, connectS);
    run.ingest(fleet, agents, events);
    if (agents == 1) run.deployToOneAgent(fleet, 100);
    if (agents == fleetSizes.back()) run.deployToFleet(fleet, agents, 3);
  }
  for (const auto& l : run.lines()) std::printf("%s\n", l.c_str());
  return 0;
}
