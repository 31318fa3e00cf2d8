// Events with a valid envelope become the store writes they stand for; a bad body or an
// unknown type becomes a quarantined event.
#include "controller/sync/event_ingest.h"

#include <gtest/gtest.h>

namespace ferry::controller::sync {
namespace {

using json = ferry::Json;

protocol::EventEnvelope envelope(const std::string& type, json body) {
  return {"a1", "e1", 7, type, "2026-11-30T10:00:00Z", std::move(body)};
}

TEST(EventIngestTest, RunEventsBecomeRunUpdates) {
  auto started = toIngestEvent(envelope("run.started", {{"runId", "r1"},
                                                        {"flowId", "copy"},
                                                        {"trigger", "schedule"},
                                                        {"startedAt", "2026-11-30T10:00:01.500Z"}}),
                               99);
  EXPECT_EQ(started.key.agentId, "a1");
  EXPECT_EQ(started.key.seq, 7u);
  EXPECT_EQ(started.receivedAtMs, 99);
  auto* u = std::get_if<store::RunUpdate>(&started.effect);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->kind, store::RunUpdate::Kind::kStarted);
  EXPECT_EQ(u->flowId, "copy");
  EXPECT_EQ(u->trigger, "schedule");
  EXPECT_EQ(u->startedAtMs, 1796032801500);

  auto finished = toIngestEvent(
      envelope("run.finished",
               {{"runId", "r1"},
                {"state", "partial"},
                {"counts", {{"read", 5}, {"filtered", 1}, {"written", 3}, {"failed", 1}}},
                {"finishedAt", "2026-11-30T10:00:02Z"},
                {"errorSummary", "1 record failed"}}),
      0);
  u = std::get_if<store::RunUpdate>(&finished.effect);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->kind, store::RunUpdate::Kind::kFinished);
  EXPECT_EQ(u->state, "partial");
  EXPECT_EQ(u->counts, (store::RunCounts{5, 1, 3, 1}));
  EXPECT_EQ(u->errorSummary, "1 record failed");
}

TEST(EventIngestTest, ErrorsCommandsAndHeartbeatsBecomeTheirWrites) {
  auto error = toIngestEvent(envelope("record.error", {{"errorId", "x1"},
                                                       {"runId", "r1"},
                                                       {"flowId", "copy"},
                                                       {"step", "import:out"},
                                                       {"message", "CHECK failed"},
                                                       {"record", {{"id", 4}}}}),
                             0);
  auto* e = std::get_if<store::RunErrorRecord>(&error.effect);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->agentId, "a1");
  EXPECT_EQ(json::parse(e->record), json({{"id", 4}}));
  auto closed =
      toIngestEvent(envelope("error.closed", {{"errorIds", {"x1", "x2"}}, {"how", "retried"}}), 0);
  auto* c = std::get_if<store::ErrorsClosed>(&closed.effect);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->errorIds, (std::vector<std::string>{"x1", "x2"}));
  auto result = toIngestEvent(
      envelope("command.result", {{"commandId", "c1"}, {"ok", false}, {"message", "paused"}}), 0);
  auto* r = std::get_if<store::CommandResult>(&result.effect);
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->ok);
  EXPECT_EQ(r->message, "paused");
  auto beat = toIngestEvent(
      envelope("heartbeat", {{"stats", {{"outboxBacklog", 12}, {"queueDepth", 3}}}}), 0);
  auto* h = std::get_if<store::HeartbeatStats>(&beat.effect);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->stats.outboxBacklog, 12);
  EXPECT_EQ(h->stats.queueDepth, 3);
  EXPECT_EQ(json::parse(h->stats.json)["outboxBacklog"], 12);
}

TEST(EventIngestTest, BadBodiesAndUnknownTypesAreQuarantinedWithTheReason) {
  auto bad = toIngestEvent(envelope("run.started", {{"runId", 5}}), 0);
  auto* q = std::get_if<store::Quarantine>(&bad.effect);
  ASSERT_NE(q, nullptr);
  EXPECT_NE(q->reason.find("runId"), std::string::npos) << q->reason;
  EXPECT_EQ(json::parse(q->payload), json({{"runId", 5}}));
  auto unknown = toIngestEvent(envelope("made.up", json::object()), 0);
  q = std::get_if<store::Quarantine>(&unknown.effect);
  ASSERT_NE(q, nullptr);
  EXPECT_NE(q->reason.find("made.up"), std::string::npos);
  auto notObject = toIngestEvent(envelope("heartbeat", json::array()), 0);
  EXPECT_TRUE(std::holds_alternative<store::Quarantine>(notObject.effect));
}

}  // namespace
}  // namespace ferry::controller::sync
