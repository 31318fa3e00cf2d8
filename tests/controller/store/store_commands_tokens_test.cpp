#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreCommandsTest : public StoreTest {};

TEST_P(StoreCommandsTest, CommandsAreKeptUntilAnsweredOnce) {
  EXPECT_EQ(store_->enqueueCommand("ghost", "run-flow", "{}").status().code(),
            StatusCode::kNotFound);
  must(store_->createAgent("a", "", ""));
  must(store_->createAgent("b", "", ""));
  auto c1 = must(store_->enqueueCommand("a", "run-flow", R"({"flowId":"orders"})"));
  EXPECT_EQ(c1.commandId.size(), 36u);  // a UUID
  EXPECT_EQ(c1.state, CommandState::kPending);
  clock_.set(kT0 + 10);
  auto c2 = must(store_->enqueueCommand("a", "retry-errors", R"({"errorIds":["e1"]})", "cmd-2"));
  EXPECT_EQ(c2.commandId, "cmd-2");
  EXPECT_EQ(store_->enqueueCommand("a", "run-flow", "{}", "cmd-2").status().code(),
            StatusCode::kAlreadyExists);
  must(store_->enqueueCommand("b", "pause-flow", "{}"));

  auto unanswered = must(store_->listUnansweredCommands("a"));
  ASSERT_EQ(unanswered.size(), 2u);
  EXPECT_EQ(unanswered[0].commandId, c1.commandId);  // oldest first
  EXPECT_EQ(unanswered[0].payload, R"({"flowId":"orders"})");

  must(store_->markCommandSent(c1.commandId));
  EXPECT_EQ(must(store_->getCommand(c1.commandId)).state, CommandState::kSent);
  EXPECT_EQ(must(store_->listUnansweredCommands("a")).size(), 2u);  // sent is not answered

  must(store_->completeCommand(c1.commandId, true, "run started"));
  must(store_->completeCommand(c1.commandId, false, "a repeated answer"));
  must(store_->markCommandSent(c1.commandId));  // published again: stays answered
  auto done = must(store_->getCommand(c1.commandId));
  EXPECT_EQ(done.state, CommandState::kDone);
  EXPECT_EQ(done.result, "run started");

  must(store_->completeCommand("cmd-2", false, "flow unknown"));
  EXPECT_EQ(must(store_->getCommand("cmd-2")).state, CommandState::kFailed);
  EXPECT_TRUE(must(store_->listUnansweredCommands("a")).empty());

  EXPECT_EQ(must(store_->listCommands({"a", std::nullopt, 10})).size(), 2u);
  auto failed = must(store_->listCommands({"", CommandState::kFailed, 10}));
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].commandId, "cmd-2");
  EXPECT_EQ(must(store_->listCommands({"", CommandState::kPending, 10})).size(), 1u);  // b's

  EXPECT_EQ(store_->getCommand("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->markCommandSent("nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->completeCommand("nope", true, "").code(), StatusCode::kNotFound);
}

TEST_P(StoreCommandsTest, TokensAreFoundByTheirHash) {
  auto t = must(store_->createToken("ci", "5e884898da28047151d0e56f8dc6292773603d0d"));
  EXPECT_EQ(t.createdAtMs, kT0);
  EXPECT_EQ(store_->createToken("ci", "other").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(
      store_->createToken("dup-hash", "5e884898da28047151d0e56f8dc6292773603d0d").status().code(),
      StatusCode::kAlreadyExists);
  must(store_->createToken("admin", "abc"));

  auto found = must(store_->findTokenByHash("5e884898da28047151d0e56f8dc6292773603d0d"));
  EXPECT_EQ(found.name, "ci");
  EXPECT_EQ(found.lastUsedAtMs, 0);
  EXPECT_EQ(store_->findTokenByHash("5E884898").status().code(), StatusCode::kNotFound);

  must(store_->touchToken("ci", kT0 + 60000));
  must(store_->touchToken("ci", kT0 + 30000));  // never moves back
  EXPECT_EQ(must(store_->findTokenByHash("5e884898da28047151d0e56f8dc6292773603d0d")).lastUsedAtMs,
            kT0 + 60000);

  auto all = must(store_->listTokens());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "admin");

  must(store_->deleteToken("ci"));
  EXPECT_EQ(store_->findTokenByHash("5e884898da28047151d0e56f8dc6292773603d0d").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->deleteToken("ci").code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->touchToken("ci", kT0).code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreCommandsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
