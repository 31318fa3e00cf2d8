// Listener under fire: 10,000 webhook POSTs from several threads while the agent is killed
// with SIGKILL and restarted; every request that got 202 must be imported exactly once (and
// nothing twice: a request the agent stored but could not answer may arrive, once).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "common/json/json.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;

const std::string kAgent = FERRY_AGENT_BIN;
constexpr int kThreads = 4;
constexpr int kPerThread = 2500;

int post(int port, int id) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(5, 0));
    const std::string body = json({{"id", id}}).dump();
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/hooks/fire",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("Authorization", "Bearer fire-token");
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    session.receiveResponse(response);
    return response.getStatus();
  } catch (const Poco::Exception&) {
    return 0;  // refused or cut off: the agent was down or died mid-request
  }
}

std::multiset<int> importedIds(const std::string& path) {
  std::multiset<int> ids;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return ids;
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT id FROM events", -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) ids.insert(sqlite3_column_int(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ids;
}

TEST(ListenerFireTest, AcceptedPostsAreImportedExactlyOnceAcrossKills) {
  testing::TempDir dir;
  const std::string target = dir.file("target.db");
  testing::sqliteExec(target, "CREATE TABLE events (id INTEGER)");  // no key: doubles show
  const std::string state = dir.file("state");
  ASSERT_EQ(testing::runProcess({kAgent, "secret", "set", "fire", "--state", state}, "fire-token")
                .exitCode,
            0);
  const json defs = {
      {"resources",
       {{{"kind", "connection"},
         {"id", "db"},
         {"type", "sqlite"},
         {"settings", {{"path", target}}}},
        {{"kind", "export"},
         {"id", "fire"},
         {"type", "listener"},
         {"listener", {{"path", "/hooks/fire"}, {"auth", {{"bearer", {{"$secret", "fire"}}}}}}}},
        {{"kind", "import"},
         {"id", "store"},
         {"connection", "db"},
         {"type", "table"},
         {"table", "events"},
         {"mode", "insert"}},
        {{"kind", "flow"},
         {"id", "fire-flow"},
         {"sources", {"fire"}},
         {"steps", {{{"import", "store"}}}}}}}};
  const int port = testing::freeTcpPort();
  const std::string config =
      dir.write("agent.json", json({{"definitions", dir.write("defs.json", defs.dump())},
                                    {"metrics", {{"port", 0}}},
                                    {"listener", {{"bind", "127.0.0.1"}, {"port", port}}}})
                                  .dump());
  auto start = [&] {
    auto agent = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{kAgent, "--config", config, "--state", state}, dir.path());
    EXPECT_TRUE(agent->waitForStderr("webhook listener serving", std::chrono::seconds(20)))
        << agent->stderrText();
    return agent;
  };

  auto agent = start();
  std::mutex mutex;
  std::set<int> accepted;
  std::atomic<int> done{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int id = t * kPerThread + i + 1;
        if (post(port, id) == 202) {
          std::lock_guard lock(mutex);
          accepted.insert(id);
        }
      }
      ++done;
    });
  }
  int kills = 0;
  while (done < kThreads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    if (done >= kThreads) break;
    agent->signal(SIGKILL);
    agent->wait(std::chrono::seconds(10));
    ++kills;
    agent = start();
  }
  for (auto& p : posters) p.join();

  // Let the last agent drain the queue into the table.
  std::multiset<int> imported;
  for (int i = 0; i < 600; ++i) {
    imported = importedIds(target);
    bool all = true;
    for (int id : accepted) {
      if (imported.count(id) == 0) {
        all = false;
        break;
      }
    }
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // anything still flowing lands now
  imported = importedIds(target);
  agent->signal(SIGTERM);
  agent->wait(std::chrono::seconds(10));

  EXPECT_GE(kills, 3) << "the posts finished before the agent could be killed";
  EXPECT_GT(accepted.size(), 1000u);
  std::size_t missing = 0;
  for (int id : accepted) missing += imported.count(id) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0u) << "accepted posts that were not imported";
  std::size_t doubled = 0;
  for (int id : std::set<int>(imported.begin(), imported.end())) {
    doubled += imported.count(id) > 1 ? 1 : 0;
  }
  EXPECT_EQ(doubled, 0u) << "records imported twice";
  std::printf("posts: %d, accepted: %zu, imported: %zu, kills: %d\n", kThreads * kPerThread,
              accepted.size(), imported.size(), kills);
}

}  // namespace
}  // namespace ferry
