// Appends and commits in a loop until killed. After each call returns it writes one line
// to stdout (unbuffered): "A <seq> <firstId> <lastId>" or "C <seq>"; the crash test checks
// that everything reported survived the SIGKILL.
#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

#include "agent/queue/log_queue.h"

using ferry::agent::queue::LogQueue;
using json = ferry::Json;

namespace {

void report(const std::string& line) {
  std::string text = line + "\n";
  ssize_t n = ::write(1, text.data(), text.size());
  (void)n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: queue_crash_child STATE_DIR FULL|NORMAL\n");
    return 2;
  }
  LogQueue::Options o;
  o.stateDir = argv[1];
  o.synchronous = argv[2];
  o.retentionBatchPages = 5;
  auto q = LogQueue::open(o);
  if (!q) {
    std::fprintf(stderr, "%s\n", q.status().toString().c_str());
    return 1;
  }
  LogQueue& queue = **q;
  if (!queue.registerConsumer("flow", "orders", LogQueue::StartAt::kEarliest).isOk()) return 1;
  auto progress = queue.progress("orders");
  if (!progress) return 1;
  long long lastId = progress->is_null() ? 0 : (*progress)["lastId"].get<long long>();
  std::mt19937 rng(static_cast<unsigned>(::getpid()));
  for (long long i = 0;; ++i) {
    int n = 1 + static_cast<int>(rng() % 20);
    std::vector<json> records;
    for (int k = 1; k <= n; ++k)
      records.push_back({{"id", lastId + k}, {"pad", "xxxxxxxxxxxxxxxx"}});
    auto seq = queue.append("orders", records, {{"lastId", lastId + n}});
    if (!seq) {
      std::fprintf(stderr, "append: %s\n", seq.status().toString().c_str());
      return 1;
    }
    report("A " + std::to_string(*seq) + " " + std::to_string(lastId + 1) + " " +
           std::to_string(lastId + n));
    lastId += n;
    if (i % 3 == 2) {
      auto pages = queue.read("flow", "orders", 4);
      if (!pages) return 1;
      if (!pages->empty()) {
        std::uint64_t upTo = pages->back().seq;
        if (!queue.commit("flow", "orders", upTo).isOk()) return 1;
        report("C " + std::to_string(upTo));
      }
    }
  }
}
