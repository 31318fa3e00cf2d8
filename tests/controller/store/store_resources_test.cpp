#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreResourcesTest : public StoreTest {
 protected:
  ResourceWrite write(const std::string& id, const std::string& doc,
                      std::optional<std::int64_t> expected, const std::string& kind = "flow",
                      const std::string& integration = "erp-to-dwh") {
    return ResourceWrite{kind, id, integration, doc, expected};
  }
};

TEST_P(StoreResourcesTest, EveryWriteBumpsTheVersionAndAConflictIsRefused) {
  auto v1 = must(store_->putResource(write("orders", R"({"a":1})", 0)));
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v1.createdAtMs, kT0);
  EXPECT_EQ(v1.contentHash.size(), 64u);

  auto again = store_->putResource(write("orders", R"({"a":1})", 0));  // create only
  ASSERT_FALSE(again.isOk());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);

  clock_.set(kT0 + 1000);
  auto v2 = must(store_->putResource(write("orders", R"({"a":2})", 1)));  // If-Match: 1
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(v2.createdAtMs, kT0);
  EXPECT_EQ(v2.updatedAtMs, kT0 + 1000);
  EXPECT_NE(v2.contentHash, v1.contentHash);

  // Another writer still holding version 1: the 412 case.
  auto conflict = store_->putResource(write("orders", R"({"a":"lost update"})", 1));
  ASSERT_FALSE(conflict.isOk());
  EXPECT_EQ(conflict.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(conflict.status().message().find("expected 1, current 2"), std::string::npos)
      << conflict.status().message();
  EXPECT_EQ(must(store_->getResource("flow", "orders")).document, R"({"a":2})");

  auto v3 = must(store_->putResource(write("orders", R"({"a":3})", std::nullopt)));
  EXPECT_EQ(v3.version, 3);

  auto missing = store_->putResource(write("nope", "{}", 4));
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_P(StoreResourcesTest, TheContentHashIsTheSha256OfTheDocument) {
  auto r = must(store_->putResource(write("x", "{}", std::nullopt)));
  EXPECT_EQ(r.contentHash, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST_P(StoreResourcesTest, DeleteLeavesATombstoneAndHistoryKeepsEveryVersion) {
  must(store_->putResource(write("orders", R"({"a":1})", 0)));
  must(store_->putResource(write("orders", R"({"a":2})", 1)));

  auto wrong = store_->deleteResource("flow", "orders", 1);
  ASSERT_FALSE(wrong.isOk());
  EXPECT_EQ(wrong.status().code(), StatusCode::kFailedPrecondition);

  auto tomb = must(store_->deleteResource("flow", "orders", 2));
  EXPECT_TRUE(tomb.deleted);
  EXPECT_EQ(tomb.version, 3);
  EXPECT_EQ(store_->getResource("flow", "orders").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->deleteResource("flow", "orders", std::nullopt).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->putResource(write("orders", "{}", 3)).status().code(),
            StatusCode::kNotFound);  // nothing live to update

  // Re-created: versions go on from the tombstone, so an old ETag never matches again.
  auto back = must(store_->putResource(write("orders", R"({"a":4})", 0)));
  EXPECT_EQ(back.version, 4);

  auto history = must(store_->resourceHistory("flow", "orders"));
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].version, 1);
  EXPECT_EQ(history[0].document, R"({"a":1})");
  EXPECT_EQ(history[1].document, R"({"a":2})");
  EXPECT_TRUE(history[2].deleted);
  EXPECT_FALSE(history[3].deleted);
  EXPECT_EQ(history[3].document, R"({"a":4})");
  EXPECT_EQ(store_->resourceHistory("flow", "never").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreResourcesTest, ListsByKindAndIntegration) {
  must(store_->putResource(write("erp-to-dwh", R"({"name":"ERP"})", 0, "integration", "")));
  must(store_->putResource(write("orders", "{}", 0, "flow", "erp-to-dwh")));
  must(store_->putResource(write("prices", "{}", 0, "flow", "shop")));
  must(store_->putResource(write("erp", "{}", 0, "connection", "erp-to-dwh")));
  must(store_->putResource(write("gone", "{}", 0, "flow", "erp-to-dwh")));
  must(store_->deleteResource("flow", "gone", std::nullopt));

  auto flows = must(store_->listResources({"flow", "", false}));
  ASSERT_EQ(flows.size(), 2u);
  EXPECT_EQ(flows[0].id, "orders");
  EXPECT_EQ(flows[1].id, "prices");

  auto erp = must(store_->listResources({"", "erp-to-dwh", false}));
  ASSERT_EQ(erp.size(), 2u);
  EXPECT_EQ(erp[0].kind, "connection");
  EXPECT_EQ(erp[1].kind, "flow");

  EXPECT_EQ(must(store_->listResources({"flow", "erp-to-dwh", true})).size(), 2u);
  auto integrations = must(store_->listResources({"integration", "", false}));
  ASSERT_EQ(integrations.size(), 1u);
  EXPECT_EQ(integrations[0].document, R"({"name":"ERP"})");
}

TEST_P(StoreResourcesTest, DocumentsComeBackByteForByte) {
  std::string doc =
      R"({"name":"Größe ✓ \"quoted\" 'single' ? $1","big":")" + std::string(200000, 'x') + "\"}";
  must(store_->putResource(write("big", doc, 0)));
  EXPECT_EQ(must(store_->getResource("flow", "big")).document, doc);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreResourcesTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
