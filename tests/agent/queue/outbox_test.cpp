#include "agent/queue/outbox.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace ferry::agent::queue {
namespace {

using testing::TempDir;

std::unique_ptr<Outbox> openOutbox(const std::string& dir, std::int64_t quota = 1 << 20,
                                   std::int64_t hardCap = 0) {
  Outbox::Options o;
  o.stateDir = dir;
  o.quotaBytes = quota;
  o.hardCapBytes = hardCap;
  auto box = Outbox::open(o);
  EXPECT_TRUE(box.isOk()) << box.status().toString();
  return box.isOk() ? std::move(*box) : nullptr;
}

TEST(OutboxTest, PushPendingAckAndRestart) {
  TempDir dir;
  {
    auto box = openOutbox(dir.path());
    EXPECT_EQ(box->push("run.started", R"({"runId":"r1"})")->seq, 1u);
    EXPECT_EQ(box->push("run.progress", R"({"runId":"r1"})")->seq, 2u);
    EXPECT_EQ(box->push("run.finished", R"({"runId":"r1"})")->seq, 3u);
    auto p = box->pending(0, 2);
    ASSERT_EQ(p->size(), 2u);
    EXPECT_EQ((*p)[1].type, "run.progress");
    ASSERT_TRUE(box->ackUpTo(2).isOk());
    ASSERT_TRUE(box->ackUpTo(1).isOk());  // a stale ack changes nothing
  }
  auto box = openOutbox(dir.path());
  auto p = box->pending(0, 10);
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].seq, 3u);
  EXPECT_EQ((*p)[0].body, R"({"runId":"r1"})");
  ASSERT_TRUE(box->ackUpTo(3).isOk());
  EXPECT_EQ(box->push("heartbeat", "{}")->seq, 4u);  // sequence numbers never repeat
  auto s = box->stats();
  EXPECT_EQ(s->count, 1u);
  EXPECT_EQ(s->lastSeq, 4u);
  EXPECT_GE(s->oldestAgeSeconds, 0);
}

TEST(OutboxTest, QuotaDropsSupersededKeepsEssentialUntilTheHardCap) {
  TempDir dir;
  auto box = openOutbox(dir.path(), 100, 200);
  std::string body(60, 'x');
  ASSERT_EQ(box->push("run.started", body)->outcome, Outbox::Pushed::kStored);
  auto dropped = box->push("heartbeat", body);
  ASSERT_TRUE(dropped.isOk());
  EXPECT_EQ(dropped->outcome, Outbox::Pushed::kDroppedSuperseded);
  EXPECT_EQ(box->push("run.progress", body)->outcome, Outbox::Pushed::kDroppedSuperseded);
  EXPECT_EQ(box->push("run.finished", body)->outcome, Outbox::Pushed::kStored);
  auto capped = box->push("record.error", body + body);
  ASSERT_FALSE(capped.isOk());
  EXPECT_EQ(capped.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(capped.status().message().find("hard cap"), std::string::npos);
  EXPECT_EQ(box->stats()->droppedSuperseded, 2u);
  ASSERT_TRUE(box->ackUpTo(2).isOk());
  EXPECT_EQ(box->push("heartbeat", "{}")->outcome, Outbox::Pushed::kStored);
}

}  // namespace
}  // namespace ferry::agent::queue
