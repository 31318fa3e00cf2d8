#include <thread>

#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

// PostgreSQL only: what happens when the server goes away under the store.
class StorePostgresTest : public StoreTest {
 protected:
  void killConnections() const {
    // Waits (up to 5 s) until every other backend of the database has exited.
    postgres().psql(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
        "WHERE datname = 'ferry' AND pid <> pg_backend_pid();");
  }
};

TEST_P(StorePostgresTest, AKilledConnectionGivesUnavailableThenTheStoreRecovers) {
  must(store_->createAgent("a", "", ""));
  // Leave several idle sessions in the pool, all of which the kill below ends.
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) readers.emplace_back([&] { must(store_->listAgents()); });
  for (auto& t : readers) t.join();
  killConnections();

  auto lost = store_->recordEvent("a", "e", 1);
  ASSERT_FALSE(lost.isOk());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().toString();
  EXPECT_TRUE(lost.status().retryable());

  // The dead sessions were dropped: the very next call reconnects and works.
  EXPECT_TRUE(must(store_->recordEvent("a", "e", 1)));
  EXPECT_EQ(must(store_->getAgent("a")).id, "a");
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), 1u);

  // A killed connection in the middle of a write transaction is rolled back, not half
  // applied: the event is either stored or not, and a retry settles it.
  killConnections();
  auto again = store_->ingestEvents({{{"a", "e", 2}, "heartbeat", 0, {}}});
  if (!again.isOk()) {
    EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
    again = store_->ingestEvents({{{"a", "e", 2}, "heartbeat", 0, {}}});
  }
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ(again->prefixes[0].upTo, 2u);
}

TEST_P(StorePostgresTest, AWrongPasswordIsUnavailableAndNamesTheServer) {
  StoreOptions o = options();
  o.resolvePassword = [](const std::string&) -> Result<std::string> {
    return std::string("wrong");
  };
  auto opened = openStore(o);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.status().message().find("ferry@127.0.0.1:" + std::to_string(postgres().port())),
            std::string::npos)
      << opened.status().message();
  EXPECT_EQ(opened.status().message().find("wrong"), std::string::npos)
      << "the password leaked: " << opened.status().message();
}

TEST_P(StorePostgresTest, ASecretStoreFailureIsReported) {
  StoreOptions o = options();
  o.resolvePassword = [](const std::string& name) -> Result<std::string> {
    return Status::dataLoss("secret " + name + " cannot be decrypted");
  };
  auto opened = openStore(o);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(opened.status().message().find("pg-test"), std::string::npos);
}

TEST_P(StorePostgresTest, APasswordWithWhitespaceIsRefusedClearly) {
  StoreOptions o = options();
  o.resolvePassword = [](const std::string&) -> Result<std::string> {
    return std::string("correct horse");
  };
  auto opened = openStore(o);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.status().message().find("whitespace"), std::string::npos);
  EXPECT_EQ(opened.status().message().find("horse"), std::string::npos);
}

TEST_P(StorePostgresTest, AServerThatIsNotThereIsUnavailable) {
  StoreOptions o = options();
  o.url = "postgresql://ferry@127.0.0.1:" + std::to_string(ferry::testing::freeTcpPort()) +
          "/ferry?connect_timeout=2";
  auto opened = openStore(o);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePostgresTest, ::testing::Values(TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
