// The agent's durable memory of desired state and command answers (state directory files).
#include <gtest/gtest.h>

#include "agent/sync/command_journal.h"
#include "agent/sync/desired_state.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::sync {
namespace {

using json = ferry::Json;
using testing::TempDir;

TEST(DesiredStateTest, AFreshStateHasAppliedNothingAndJudgesPayloads) {
  TempDir dir;
  auto state = DesiredState::load(dir.path());
  ASSERT_TRUE(state.isOk());
  EXPECT_EQ(state->appliedVersion(), 0);
  EXPECT_EQ(state->appliedDefinitions(), nullptr);
  using V = DesiredState::Verdict;
  EXPECT_EQ(state->evaluate("").verdict, V::kIgnore);
  EXPECT_EQ(state->evaluate("{oops").verdict, V::kIgnore);
  EXPECT_EQ(state->evaluate(R"({"resources":[]})").verdict, V::kIgnore);  // no version
  auto noResources = state->evaluate(R"({"version":4})");
  EXPECT_EQ(noResources.verdict, V::kReject);  // a version to reject, no resources
  EXPECT_NE(noResources.reason.find("resources"), std::string::npos);
  auto empty = state->evaluate(R"({"version":1,"resources":[]})");
  EXPECT_EQ(empty.verdict, V::kApply);  // nothing to run is a valid document
  EXPECT_EQ(empty.version, 1);
}

TEST(DesiredStateTest, AppliedAndRejectedVersionsSurviveARestart) {
  TempDir dir;
  auto state = DesiredState::load(dir.path());
  ASSERT_TRUE(state.isOk());
  auto d = state->evaluate(R"({"version":3,"resources":[]})");
  ASSERT_EQ(d.verdict, DesiredState::Verdict::kApply);
  ASSERT_TRUE(state->recordApplied(d).isOk());
  ASSERT_TRUE(state->recordRejected(5, "/resources/0: bad").isOk());
  auto again = DesiredState::load(dir.path());
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(again->appliedVersion(), 3);
  ASSERT_NE(again->appliedDefinitions(), nullptr);
  EXPECT_EQ(again->rejectedVersion(), 5);
  EXPECT_EQ(again->rejectedError(), "/resources/0: bad");
  EXPECT_EQ(again->evaluate(R"({"version":3,"resources":[]})").verdict,
            DesiredState::Verdict::kIgnore);
  EXPECT_EQ(again->evaluate(R"({"version":5,"resources":[]})").verdict,
            DesiredState::Verdict::kIgnore);
  EXPECT_EQ(again->evaluate(R"({"version":6,"resources":[]})").verdict,
            DesiredState::Verdict::kApply);
}

TEST(DesiredStateTest, ACorruptFileIsAnErrorThatNamesIt) {
  TempDir dir;
  dir.write("desired.json", "[1,2");
  auto state = DesiredState::load(dir.path());
  ASSERT_FALSE(state.isOk());
  EXPECT_EQ(state.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(state.status().message().find(dir.file("desired.json")), std::string::npos);
}

TEST(CommandJournalTest, AnswersAreFoundAfterARestartAndTheOldestGoFirst) {
  TempDir dir;
  auto journal = CommandJournal::load(dir.path(), 3);
  ASSERT_TRUE(journal.isOk());
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(
        journal->record({"c" + std::to_string(i), i % 2 == 0, "m" + std::to_string(i)}).isOk());
  }
  auto again = CommandJournal::load(dir.path(), 3);
  ASSERT_TRUE(again.isOk());
  EXPECT_FALSE(again->find("c1").has_value());  // beyond the capacity
  auto c4 = again->find("c4");
  ASSERT_TRUE(c4.has_value());
  EXPECT_TRUE(c4->ok);
  EXPECT_EQ(c4->message, "m4");
  ASSERT_TRUE(again->record({"c4", false, "final"}).isOk());  // replaces, not appends
  EXPECT_EQ(again->find("c4")->message, "final");
  EXPECT_TRUE(again->find("c3").has_value());
  dir.write("commands.json", R"([{"ok":true}])");
  auto corrupt = CommandJournal::load(dir.path());
  ASSERT_FALSE(corrupt.isOk());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ferry::agent::sync
