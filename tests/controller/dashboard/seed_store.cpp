// dashboard_seed_store --state DIR: writes what only agents (over MQTT) can report into the
// controller store of DIR, for the browser test: agent online state and backlog, runs of
// the flows `orders` (agent plant-1) and `invoices` (plant-2) over the last six hours, and
// record errors. The agents must exist (the test creates them through the API first).
// Prints the seeded ids as one JSON line; exit status 1 with the store's message on failure.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "common/json/json.h"
#include "controller/store/store.h"

namespace {

using ferry::Status;
using ferry::controller::store::AgentStats;
using ferry::controller::store::OnlineUpdate;
using ferry::controller::store::ReportedUpdate;
using ferry::controller::store::RunErrorRecord;
using ferry::controller::store::RunUpdate;
using ferry::controller::store::Store;

constexpr std::int64_t kMinute = 60'000;

std::int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Ids shaped like the agents' UUIDs, but readable in a failing test's output.
std::string seededId(const char* kind, int n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%s%06d", kind, n);
  return buf;
}

// The store's message with what was being written.
Status context(const Status& st, const std::string& what) {
  return st.isOk() ? st : Status(st.code(), what + ": " + st.message());
}

Status seedAgent(Store& store, const std::string& id, bool online, std::int64_t lastSeenMs,
                 std::int64_t appliedVersion, std::int64_t backlog, std::int64_t oldestAgeSeconds,
                 std::int64_t queueDepth) {
  OnlineUpdate on{id, true, "seed-epoch", 1, lastSeenMs - kMinute};
  if (auto changed = store.updateOnline(on); !changed) {
    return context(changed.status(), "agent " + id + " online");
  }
  if (!online) {
    OnlineUpdate off{id, false, "seed-epoch", 1, lastSeenMs};
    if (auto went = store.updateOnline(off); !went) {
      return context(went.status(), "agent " + id + " offline");
    }
  }
  ReportedUpdate reported;
  reported.agentId = id;
  reported.appliedVersion = appliedVersion;
  reported.agentVersion = "0.1.0";
  reported.stats = AgentStats{backlog, oldestAgeSeconds, queueDepth, ""};
  reported.stats.json = ferry::Json({{"outboxBacklog", backlog},
                                     {"oldestUndeliveredAgeSeconds", oldestAgeSeconds},
                                     {"queueDepth", queueDepth}})
                            .dump();
  reported.json = ferry::Json({{"appliedVersion", appliedVersion},
                               {"agentVersion", "0.1.0"},
                               {"epoch", "seed-epoch"},
                               {"stats", ferry::Json::parse(reported.stats.json)}})
                      .dump();
  reported.atMs = lastSeenMs;
  FERRY_RETURN_IF_ERROR(context(store.updateReported(reported), "agent " + id + " reported"));
  return context(store.touchAgent(id, lastSeenMs), "agent " + id + " last seen");
}

Status seedRun(Store& store, const std::string& runId, const std::string& agent,
               const std::string& flow, std::int64_t startedMs, const std::string& state,
               std::int64_t written, std::int64_t failed, const std::string& summary) {
  RunUpdate started;
  started.kind = RunUpdate::Kind::kStarted;
  started.runId = runId;
  started.agentId = agent;
  started.flowId = flow;
  started.integration = "erp";
  started.trigger = "schedule";
  started.startedAtMs = startedMs;
  FERRY_RETURN_IF_ERROR(context(store.upsertRun(started), "run " + runId));
  if (state == "running") return Status::ok();
  RunUpdate finished = started;
  finished.kind = RunUpdate::Kind::kFinished;
  finished.state = state;
  finished.counts = {written + failed + 5, 5, written, failed};
  finished.finishedAtMs = startedMs + 2 * kMinute + written * 10;
  finished.errorSummary = summary;
  return context(store.upsertRun(finished), "run " + runId);
}

ferry::Result<ferry::Json> seed(Store& store) {
  std::int64_t now = nowMs();
  FERRY_RETURN_IF_ERROR(seedAgent(store, "plant-1", true, now - 3'000, 1, 42, 95, 7));
  FERRY_RETURN_IF_ERROR(seedAgent(store, "plant-2", false, now - 40 * kMinute, 0, 310, 2400, 55));

  ferry::Json out = {{"runs", ferry::Json::array()}, {"errors", ferry::Json::array()}};
  int n = 0;
  std::string lastPartial;
  for (int i = 11; i >= 0; --i) {  // orders: every 30 minutes, some records failing
    std::string id = seededId("a", ++n);
    std::int64_t failed = i % 4 == 0 ? 3 : 0;
    FERRY_RETURN_IF_ERROR(seedRun(store, id, "plant-1", "orders",
                                  now - i * 30 * kMinute - 5 * kMinute,
                                  failed ? "partial" : "succeeded", 120 + (11 - i) * 15, failed,
                                  failed ? "3 records failed at import:orders-out" : ""));
    if (failed) lastPartial = id;
    out["runs"].push_back(id);
  }
  for (int i = 5; i >= 0; --i) {  // invoices: hourly, one failed run
    std::string id = seededId("b", ++n);
    bool broken = i == 2;
    FERRY_RETURN_IF_ERROR(
        seedRun(store, id, "plant-2", "invoices", now - i * 60 * kMinute - 50 * kMinute,
                broken ? "failed" : "succeeded", broken ? 0 : 40 + i * 7, broken ? 1 : 0,
                broken ? "connection refused by the invoice database" : ""));
    out["runs"].push_back(id);
  }
  std::string running = seededId("c", ++n);
  FERRY_RETURN_IF_ERROR(
      seedRun(store, running, "plant-1", "orders", now - 20'000, "running", 0, 0, ""));
  out["runs"].push_back(running);

  const char* messages[] = {"column amount: '12,50' is not a number",
                            "column customer_id: NULL not allowed",
                            "duplicate key value violates unique constraint orders_pkey"};
  for (int i = 0; i < 3; ++i) {
    RunErrorRecord e;
    e.errorId = seededId("e", i + 1);
    e.runId = lastPartial;
    e.agentId = "plant-1";
    e.flowId = "orders";
    e.step = "import:orders-out";
    e.message = messages[i];
    e.record = ferry::Json({{"orderId", 1001 + i}, {"amount", i == 0 ? "12,50" : "8.00"}}).dump();
    e.createdAtMs = now - (3 - i) * kMinute;
    if (auto stored = store.insertError(e); !stored) {
      return context(stored.status(), "error " + e.errorId);
    }
    out["errors"].push_back(e.errorId);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--state") {
    std::cerr << "usage: dashboard_seed_store --state DIR\n";
    return 2;
  }
  ferry::controller::store::StoreOptions options;
  options.stateDir = argv[2];
  auto store = ferry::controller::store::openStore(options);
  if (!store) {
    std::cerr << "dashboard_seed_store: " << store.status().message() << "\n";
    return 1;
  }
  auto seeded = seed(**store);
  if (!seeded) {
    std::cerr << "dashboard_seed_store: " << seeded.status().message() << "\n";
    return 1;
  }
  std::cout << seeded->dump() << "\n";
  return 0;
}
