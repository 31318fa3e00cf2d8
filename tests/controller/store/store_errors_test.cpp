#include <set>

#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreErrorsTest : public StoreTest {
 protected:
  RunErrorRecord error(const std::string& id, const std::string& run, const std::string& flow,
                       const std::string& agent, std::int64_t at) {
    RunErrorRecord e;
    e.errorId = id;
    e.runId = run;
    e.flowId = flow;
    e.agentId = agent;
    e.step = "import:orders-to-dwh";
    e.message = "duplicate key";
    e.record = R"({"id":)" + std::to_string(at % 1000) + "}";
    e.createdAtMs = at;
    return e;
  }
};

TEST_P(StoreErrorsTest, InsertIsIdempotentAndGetReturnsTheRecord) {
  EXPECT_TRUE(must(store_->insertError(error("e1", "r1", "orders", "a", kT0 + 5))));
  EXPECT_FALSE(must(store_->insertError(error("e1", "r1", "orders", "a", kT0 + 5))));
  auto e = must(store_->getError("e1"));
  EXPECT_EQ(e.record, R"({"id":5})");
  EXPECT_EQ(e.step, "import:orders-to-dwh");
  EXPECT_EQ(e.state, ErrorState::kOpen);
  EXPECT_EQ(e.createdAtMs, kT0 + 5);
  EXPECT_EQ(store_->getError("nope").status().code(), StatusCode::kNotFound);
  RunErrorRecord bad;
  EXPECT_EQ(store_->insertError(bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreErrorsTest, ListsByRunFlowAgentAndStateInPages) {
  for (int i = 0; i < 7; ++i) {
    must(store_->insertError(error("e" + std::to_string(i), i < 4 ? "r1" : "r2",
                                   i % 2 ? "orders" : "prices", i < 5 ? "a" : "b", kT0 + i * 10)));
  }
  must(store_->setErrorState({"e0", "e6"}, ErrorState::kResolved, "resolved"));
  auto collect = [&](const ErrorFilter& f) {
    std::vector<std::string> ids;
    PageRequest page{2, ""};
    for (int guard = 0; guard < 20; ++guard) {
      auto p = must(store_->listErrors(f, page));
      for (const auto& e : p.items) ids.push_back(e.errorId);
      if (p.nextCursor.empty()) break;
      page.cursor = p.nextCursor;
    }
    return ids;
  };
  EXPECT_EQ(collect({}), (std::vector<std::string>{"e6", "e5", "e4", "e3", "e2", "e1", "e0"}));
  EXPECT_EQ(collect({"r1", "", "", std::nullopt}),
            (std::vector<std::string>{"e3", "e2", "e1", "e0"}));
  EXPECT_EQ(collect({"", "orders", "", std::nullopt}),
            (std::vector<std::string>{"e5", "e3", "e1"}));
  EXPECT_EQ(collect({"", "", "b", std::nullopt}), (std::vector<std::string>{"e6", "e5"}));
  EXPECT_EQ(collect({"", "", "", ErrorState::kResolved}), (std::vector<std::string>{"e6", "e0"}));
  EXPECT_EQ(collect({"r2", "", "a", ErrorState::kOpen}), (std::vector<std::string>{"e4"}));
}

TEST_P(StoreErrorsTest, StateTransitions) {
  for (const char* id : {"e1", "e2", "e3"})
    must(store_->insertError(error(id, "r", "f", "a", kT0)));
  clock_.set(kT0 + 100);
  EXPECT_EQ(must(store_->setErrorState({"e1", "e2"}, ErrorState::kRetrying, "")), 2u);
  EXPECT_EQ(must(store_->getError("e1")).state, ErrorState::kRetrying);
  EXPECT_EQ(must(store_->getError("e1")).updatedAtMs, kT0 + 100);

  // The retry failed again: back to open. Then it is resolved by hand.
  EXPECT_EQ(must(store_->setErrorState({"e1"}, ErrorState::kOpen, "")), 1u);
  EXPECT_EQ(must(store_->setErrorState({"e1"}, ErrorState::kResolved, "resolved")), 1u);
  auto e1 = must(store_->getError("e1"));
  EXPECT_EQ(e1.state, ErrorState::kResolved);
  EXPECT_EQ(e1.resolution, "resolved");
  EXPECT_EQ(e1.resolvedAtMs, kT0 + 100);

  // Resolved is final; resolving again changes nothing.
  auto reopen = store_->setErrorState({"e1"}, ErrorState::kRetrying, "");
  ASSERT_FALSE(reopen.isOk());
  EXPECT_EQ(reopen.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(must(store_->setErrorState({"e1"}, ErrorState::kResolved, "retried")), 0u);
  EXPECT_EQ(must(store_->getError("e1")).resolution, "resolved");

  // A selection with an unknown id changes none of them.
  auto partial = store_->setErrorState({"e3", "ghost"}, ErrorState::kResolved, "resolved");
  ASSERT_FALSE(partial.isOk());
  EXPECT_EQ(partial.status().code(), StatusCode::kNotFound);
  EXPECT_NE(partial.status().message().find("ghost"), std::string::npos);
  EXPECT_EQ(must(store_->getError("e3")).state, ErrorState::kOpen);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreErrorsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
