#include <filesystem>
#include <thread>

#include "controller/store/migrations.h"
#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreSchemaTest : public StoreTest {};

TEST_P(StoreSchemaTest, MigrationsAreIdempotentAndSurviveReopening) {
  const int latest = migrations().back().version;
  EXPECT_EQ(must(store_->schemaVersion()), latest);
  EXPECT_EQ(must(store_->migrate()), 0);  // nothing left to do
  EXPECT_EQ(must(store_->migrate()), 0);
  must(store_->createAgent("plant-1", "Plant 1", ""));
  store_.reset();

  auto reopened = openAnother();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(must(reopened->migrate()), 0);
  EXPECT_EQ(must(reopened->schemaVersion()), latest);
  EXPECT_EQ(must(reopened->getAgent("plant-1")).displayName, "Plant 1");
}

TEST_P(StoreSchemaTest, AnEmptyDatabaseMigratesOnceWhenReplicasStartTogether) {
  store_.reset();
  if (isPostgres()) {
    postgres().psql(
        "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  } else {
    for (const char* f : {"controller.db", "controller.db-wal", "controller.db-shm"}) {
      std::filesystem::remove(dir_.file(f));
    }
  }
  std::unique_ptr<Store> a, b;
  std::thread ta([&] { a = openAnother(false); });
  std::thread tb([&] { b = openAnother(false); });
  ta.join();
  tb.join();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(must(a->schemaVersion()), 0);
  Result<int> ra = Status::internal("not run");
  Result<int> rb = Status::internal("not run");
  std::thread ma([&] { ra = a->migrate(); });
  std::thread mb([&] { rb = b->migrate(); });
  ma.join();
  mb.join();
  ASSERT_TRUE(ra.isOk()) << ra.status().toString();
  ASSERT_TRUE(rb.isOk()) << rb.status().toString();
  EXPECT_EQ(*ra + *rb, static_cast<int>(migrations().size()));  // each applied exactly once
  EXPECT_EQ(must(b->schemaVersion()), migrations().back().version);
}

TEST_P(StoreSchemaTest, ASchemaNewerThanThisBuildIsRefused) {
  execRaw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  auto st = store_->migrate();
  ASSERT_FALSE(st.isOk());
  EXPECT_EQ(st.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(st.status().message().find("999"), std::string::npos) << st.status().message();
  StoreOptions o = options();
  auto opened = openStore(o);
  ASSERT_FALSE(opened.isOk());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(StoreSchemaTest, ReportsItsBackend) {
  EXPECT_EQ(store_->backendName(), isPostgres() ? "postgresql" : "sqlite");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSchemaTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

TEST(StoreSqliteTest, TheDefaultIsOneFileInTheStateDirectoryInWalMode) {
  ferry::testing::TempDir dir;
  StoreOptions o;
  o.stateDir = dir.path();
  auto store = openStore(o);
  ASSERT_TRUE(store.isOk()) << store.status().toString();
  must((*store)->createAgent("a", "", ""));
  EXPECT_TRUE(std::filesystem::exists(dir.file("controller.db")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("controller.db-wal")));  // WAL while open
}

TEST(StoreSqliteTest, AMissingDirectoryIsNamed) {
  ferry::testing::TempDir dir;
  StoreOptions o;
  o.url = "sqlite://" + dir.file("nope/controller.db");
  auto store = openStore(o);
  ASSERT_FALSE(store.isOk());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find(dir.file("nope")), std::string::npos)
      << store.status().message();
}

TEST(StoreUrlErrorTest, AMalformedUrlIsRefusedBeforeConnecting) {
  StoreOptions o;
  o.url = "postgresql://ferry:hunter2@db.example:54x32/ferry";
  auto store = openStore(o);
  ASSERT_FALSE(store.isOk());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("store URL"), std::string::npos);
  EXPECT_EQ(store.status().message().find("hunter2"), std::string::npos)
      << "the password leaked: " << store.status().message();
}

}  // namespace
}  // namespace ferry::controller::store::testing
