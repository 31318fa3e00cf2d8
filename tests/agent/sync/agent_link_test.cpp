// The agent's side of the protocol against a fake transport: what it publishes, when it
// deletes and re-sends events, how it treats acks, commands and desired documents.
#include "agent/sync/agent_link.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/agent/sync/fake_transport.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::sync {
namespace {

using json = ferry::Json;
using testing::FakeTransport;
using testing::TempDir;

constexpr const char* kEpoch = "6f1c0a52-8d0e-4b43-9c38-0d7b2f6f8a11";

// Records what the link asks of the agent.
class RecordingHandler final : public AgentLinkHandler {
 public:
  Status applyDefinitions(std::shared_ptr<const model::Definitions> d) override {
    applied.push_back(d->flows.size());
    return Status::ok();
  }
  CommandJournal::Answer runCommand(const protocol::CommandMessage& c) override {
    ++commandsRun;
    return {"", true, "ran " + c.type};
  }
  json runtimeStats() override { return {{"queueDepth", 7}, {"flows", json::object()}}; }
  json flowsReport() override { return {{"copy", {{"state", "active"}}}}; }

  std::vector<std::size_t> applied;  // written by the link's thread, read after waits
  std::atomic<int> commandsRun{0};
};

json validDocument(int version) {
  return {{"version", version},
          {"resources",
           {{{"kind", "connection"},
             {"id", "db"},
             {"type", "sqlite"},
             {"settings", {{"path", "/tmp/x.db"}}}},
            {{"kind", "export"},
             {"id", "rows"},
             {"connection", "db"},
             {"type", "query"},
             {"query", "SELECT 1"}},
            {{"kind", "import"},
             {"id", "out"},
             {"connection", "db"},
             {"type", "table"},
             {"table", "t"},
             {"mode", "insert"}},
            {{"kind", "flow"},
             {"id", "copy"},
             {"sources", {"rows"}},
             {"steps", {{{"import", "out"}}}}}}}};
}

bool waitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 200; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return done();
}

class AgentLinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto outbox = queue::Outbox::open({dir_.path()});
    ASSERT_TRUE(outbox.isOk()) << outbox.status().message();
    outbox_ = std::move(*outbox);
    auto desired = DesiredState::load(dir_.path());
    ASSERT_TRUE(desired.isOk());
    desired_ = std::make_unique<DesiredState>(std::move(*desired));
    auto journal = CommandJournal::load(dir_.path());
    ASSERT_TRUE(journal.isOk());
    journal_ = std::make_unique<CommandJournal>(std::move(*journal));
  }
  void TearDown() override {
    if (link_) link_->stop();
  }

  void startLink(std::chrono::milliseconds resendAfter = std::chrono::seconds(10),
                 std::chrono::seconds heartbeat = std::chrono::seconds(3600)) {
    auto transport = std::make_unique<FakeTransport>();
    transport_ = transport.get();
    AgentLink::Options o;
    o.agentId = "a1";
    o.epoch = kEpoch;
    o.agentVersion = "test";
    o.connect.url = "tcp://127.0.0.1:1";
    o.resendAfter = resendAfter;
    o.heartbeat = heartbeat;
    link_ = std::make_unique<AgentLink>(
        o, std::move(transport), *outbox_, *desired_, *journal_, handler_,
        Logger(std::make_shared<FdLogSink>(2), LogLevel::kWarning, "test"));
    link_->start();
    ASSERT_TRUE(waitFor([&] { return link_->connected(); }));
  }

  std::vector<json> publishedOn(const std::string& leaf) const {
    std::vector<json> out;
    for (const auto& m : transport_->published()) {
      if (m.topic == "ferry/v1/agents/a1/" + leaf) out.push_back(json::parse(m.payload));
    }
    return out;
  }
  std::size_t outboxCount() { return outbox_->stats()->count; }
  std::vector<queue::OutboxEvent> outboxOf(const std::string& type) {
    std::vector<queue::OutboxEvent> out;
    auto pending = outbox_->pending(0, 100000);
    if (!pending) return out;
    for (auto& e : *pending) {
      if (e.type == type) out.push_back(e);
    }
    return out;
  }
  // The link handles messages in order: once this command's answer is in the outbox,
  // every message delivered before it was handled.
  void barrier() {
    const std::string id = "barrier-" + std::to_string(++barriers_);
    transport_->deliver("ferry/v1/agents/a1/commands",
                        json{{"id", id}, {"type", "run-flow"}, {"args", {{"flowId", "x"}}}}.dump());
    ASSERT_TRUE(waitFor([&] {
      for (auto& e : outboxOf("command.result")) {
        if (json::parse(e.body)["commandId"] == id) return true;
      }
      return false;
    }));
  }

  TempDir dir_;
  std::unique_ptr<queue::Outbox> outbox_;
  std::unique_ptr<DesiredState> desired_;
  std::unique_ptr<CommandJournal> journal_;
  RecordingHandler handler_;
  FakeTransport* transport_ = nullptr;
  std::unique_ptr<AgentLink> link_;
  int barriers_ = 0;
};

TEST_F(AgentLinkTest, EachConnectSubscribesAndPublishesOnlineAndReportedWithAFreshWill) {
  ASSERT_NO_FATAL_FAILURE(startLink());
  auto subs = transport_->subscriptions();
  EXPECT_EQ(subs, (std::vector<std::string>{"ferry/v1/agents/a1/desired", "ferry/v1/agents/a1/acks",
                                            "ferry/v1/agents/a1/commands"}));
  ASSERT_TRUE(waitFor([&] { return publishedOn("reported").size() == 1; }));
  auto online = publishedOn("online");
  ASSERT_EQ(online.size(), 1u);
  EXPECT_EQ(online[0]["online"], true);
  EXPECT_EQ(online[0]["epoch"], kEpoch);
  auto first = transport_->lastOptions();
  EXPECT_EQ(first.clientId, "ferry-agent-a1");
  ASSERT_TRUE(first.will.has_value());
  EXPECT_TRUE(first.will->retained);
  json will = json::parse(first.will->payload);
  EXPECT_EQ(will["online"], false);
  EXPECT_EQ(will["session"], online[0]["session"]);
  auto reported = publishedOn("reported")[0];
  EXPECT_EQ(reported["appliedVersion"], 0);
  EXPECT_EQ(reported["stats"]["queueDepth"], 7);
  EXPECT_EQ(reported["stats"]["outboxBacklog"], 0);
  EXPECT_EQ(reported["flows"]["copy"]["state"], "active");

  transport_->dropConnection();
  ASSERT_TRUE(
      waitFor([&] { return transport_->connects() == 2 && publishedOn("online").size() == 2; }));
  auto second = transport_->lastOptions();
  EXPECT_GT(json::parse(second.will->payload)["session"].get<std::int64_t>(),
            will["session"].get<std::int64_t>());
  EXPECT_EQ(publishedOn("online")[1]["session"], json::parse(second.will->payload)["session"]);
}

TEST_F(AgentLinkTest, EventsGoOutInOrderAndOnlyAnAckOfTheirEpochDeletesThem) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(outbox_->push("run.progress", R"({"n":)" + std::to_string(i) + "}").isOk());
  ASSERT_NO_FATAL_FAILURE(startLink());
  ASSERT_TRUE(waitFor([&] { return publishedOn("events").size() == 5; }));
  auto events = publishedOn("events");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(events[i]["seq"], i + 1);
    EXPECT_EQ(events[i]["agent"], "a1");
    EXPECT_EQ(events[i]["epoch"], kEpoch);
    EXPECT_EQ(events[i]["type"], "run.progress");
    EXPECT_EQ(events[i]["body"]["n"], i);
    EXPECT_TRUE(events[i]["ts"].is_string());
  }
  transport_->deliver("ferry/v1/agents/a1/acks",
                      json{{"epoch", "another-epoch"}, {"upTo", 5}}.dump());
  transport_->deliver("ferry/v1/agents/a1/acks", "not json");
  ASSERT_NO_FATAL_FAILURE(barrier());
  EXPECT_EQ(outboxOf("run.progress").size(), 5u);
  transport_->deliver("ferry/v1/agents/a1/acks", json{{"epoch", kEpoch}, {"upTo", 3}}.dump());
  ASSERT_TRUE(waitFor([&] { return outboxOf("run.progress").size() == 2; }));
  transport_->deliver("ferry/v1/agents/a1/acks",
                      json{{"epoch", kEpoch}, {"upTo", 2}}.dump());  // stale
  ASSERT_NO_FATAL_FAILURE(barrier());
  EXPECT_EQ(outboxOf("run.progress").size(), 2u);
  EXPECT_EQ(outboxOf("run.progress")[0].seq, 4u);
}

TEST_F(AgentLinkTest, UnacknowledgedEventsAreSentAgainAfterTheTimeoutAndOnReconnect) {
  ASSERT_TRUE(outbox_->push("run.started", "{}").isOk());
  ASSERT_NO_FATAL_FAILURE(startLink(std::chrono::milliseconds(300)));
  auto sends = [&] { return publishedOn("events").size(); };
  ASSERT_TRUE(waitFor([&] { return sends() >= 2; }));  // re-sent after 300 ms without ack
  transport_->dropConnection();
  const auto before = sends();
  ASSERT_TRUE(waitFor([&] { return transport_->connects() == 2 && sends() > before; }));
  transport_->deliver("ferry/v1/agents/a1/acks", json{{"epoch", kEpoch}, {"upTo", 1}}.dump());
  ASSERT_TRUE(waitFor([&] { return outboxOf("run.started").empty(); }));
  for (const auto& e : publishedOn("events")) EXPECT_EQ(e["seq"], 1);
}

TEST_F(AgentLinkTest, ARepeatedCommandIsAnsweredAgainWithoutRunningTwiceEvenAfterARestart) {
  ASSERT_NO_FATAL_FAILURE(startLink());
  const std::string command =
      json{{"id", "c-1"}, {"type", "run-flow"}, {"args", {{"flowId", "copy"}}}}.dump();
  transport_->deliver("ferry/v1/agents/a1/commands", command);
  transport_->deliver("ferry/v1/agents/a1/commands", command);
  transport_->deliver("ferry/v1/agents/a1/commands", R"({"id":"c-2","type":"format-disk"})");
  ASSERT_NO_FATAL_FAILURE(barrier());
  EXPECT_EQ(handler_.commandsRun, 2);  // c-1 once, and the barrier
  auto answers = outboxOf("command.result");
  ASSERT_EQ(answers.size(), 4u);
  json unknown = json::parse(answers[2].body);  // answered as failed, so it is not sent again
  EXPECT_EQ(unknown["commandId"], "c-2");
  EXPECT_EQ(unknown["ok"], false);
  EXPECT_NE(unknown["message"].get<std::string>().find("format-disk"), std::string::npos);
  for (int i = 0; i < 2; ++i) {
    json a = json::parse(answers[i].body);
    EXPECT_EQ(a["commandId"], "c-1");
    EXPECT_EQ(a["ok"], true);
    EXPECT_EQ(a["message"], "ran run-flow");
  }
  link_->stop();
  auto journal = CommandJournal::load(dir_.path());
  ASSERT_TRUE(journal.isOk());
  *journal_ = std::move(*journal);
  ASSERT_NO_FATAL_FAILURE(startLink());
  transport_->deliver("ferry/v1/agents/a1/commands", command);
  ASSERT_NO_FATAL_FAILURE(barrier());
  EXPECT_EQ(handler_.commandsRun, 3);  // only the new barrier ran
  EXPECT_EQ(outboxOf("command.result").size(), 6u);
}

TEST_F(AgentLinkTest,
       DesiredDocumentsAreAppliedOnlyWhenNewerAndValidAndARejectedVersionStaysRejected) {
  ASSERT_NO_FATAL_FAILURE(startLink());
  const std::string topic = "ferry/v1/agents/a1/desired";
  auto lastReported = [&] { return publishedOn("reported").back(); };
  transport_->deliver(topic, validDocument(1).dump());
  ASSERT_TRUE(waitFor([&] { return lastReported()["appliedVersion"] == 1; }));
  transport_->deliver(topic, validDocument(1).dump());  // not newer
  transport_->deliver(topic, "");                       // a cleared retained message
  json invalid = validDocument(2);
  invalid["resources"][3]["sources"] = {"missing"};
  transport_->deliver(topic, invalid.dump());
  ASSERT_TRUE(waitFor([&] { return lastReported().contains("rejectedVersion"); }));
  json r = lastReported();
  EXPECT_EQ(r["appliedVersion"], 1);
  EXPECT_EQ(r["rejectedVersion"], 2);
  EXPECT_NE(r["error"].get<std::string>().find("/resources/3/sources/0"), std::string::npos)
      << r.dump();
  const auto reportsBefore = publishedOn("reported").size();
  transport_->deliver(topic, invalid.dump());  // the same rejected version again: ignored
  ASSERT_NO_FATAL_FAILURE(barrier());
  EXPECT_EQ(handler_.applied.size(), 1u);
  EXPECT_EQ(publishedOn("reported").size(), reportsBefore);
  transport_->deliver(topic, validDocument(3).dump());
  ASSERT_TRUE(waitFor([&] { return lastReported()["appliedVersion"] == 3; }));
  EXPECT_FALSE(lastReported().contains("rejectedVersion"));
  EXPECT_EQ(handler_.applied.size(), 2u);
  // A restart runs the last applied document.
  auto reloaded = DesiredState::load(dir_.path());
  ASSERT_TRUE(reloaded.isOk());
  EXPECT_EQ(reloaded->appliedVersion(), 3);
  ASSERT_NE(reloaded->appliedDefinitions(), nullptr);
  EXPECT_EQ(reloaded->appliedDefinitions()->flows.size(), 1u);
  EXPECT_EQ(reloaded->rejectedVersion(), 2);
}

TEST_F(AgentLinkTest, HeartbeatsGoIntoTheOutboxWithTheStats) {
  ASSERT_NO_FATAL_FAILURE(startLink(std::chrono::seconds(10), std::chrono::seconds(1)));
  ASSERT_TRUE(waitFor([&] { return !outboxOf("heartbeat").empty(); }));
  json body = json::parse(outboxOf("heartbeat")[0].body);
  EXPECT_EQ(body["stats"]["queueDepth"], 7);
  EXPECT_TRUE(body["stats"]["outboxBacklog"].is_number_integer());
  EXPECT_TRUE(body["stats"]["oldestUndeliveredAgeSeconds"].is_number_integer());
}

}  // namespace
}  // namespace ferry::agent::sync
