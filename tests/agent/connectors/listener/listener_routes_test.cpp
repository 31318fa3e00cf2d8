// Routes built from definitions, with secrets resolved when they are built.
#include <gtest/gtest.h>

#include <map>

#include "agent/connectors/listener/listener_route.h"
#include "common/json/json.h"
#include "common/model/definitions.h"

namespace ferry::agent::connectors::listener {
namespace {

using json = ferry::Json;
using Secrets = std::map<std::string, std::string>;

class MapResolver final : public secrets::SecretResolver {
 public:
  explicit MapResolver(Secrets values) : values_(std::move(values)) {}
  Result<std::string> resolve(const std::string& name) const override {
    auto it = values_.find(name);
    if (it == values_.end()) return Status::notFound("secret \"" + name + "\" is not set");
    return it->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

json listenerExport(const std::string& id, const std::string& path, json auth = nullptr) {
  json listener = {{"path", path}};
  if (!auth.is_null()) listener["auth"] = std::move(auth);
  return {{"kind", "export"}, {"id", id}, {"type", "listener"}, {"listener", listener}};
}

model::Definitions parse(const json& resources) {
  auto d = model::parseDefinitions(json{{"resources", resources}});
  EXPECT_TRUE(d.isOk()) << d.status().message();
  return d.isOk() ? std::move(d).value() : model::Definitions{};
}

TEST(ListenerRoutesTest, OneRoutePerListenerExportWithSecretsResolved) {
  auto defs = parse(json::array(
      {listenerExport("orders", "/hooks/orders",
                      {{"hmacSha256", {{"$secret", "orders-key"}}}, {"header", "X-Hub-Sig"}}),
       listenerExport("tickets", "/hooks/tickets", {{"bearer", {{"$secret", "tickets-token"}}}}),
       listenerExport("open", "/hooks/open"),
       {{"kind", "connection"}, {"id", "db"}, {"type", "sqlite"}, {"settings", {{"path", "x"}}}},
       {{"kind", "export"},
        {"id", "rows"},
        {"connection", "db"},
        {"type", "query"},
        {"query", "SELECT 1"}}}));
  MapResolver secrets(Secrets{{"orders-key", "k-orders"}, {"tickets-token", "t-tickets"}});
  auto routes = buildListenerRoutes(defs, &secrets);
  ASSERT_TRUE(routes.isOk()) << routes.status().message();
  ASSERT_EQ(routes->size(), 3u);
  std::map<std::string, ListenerRoute> byId;
  for (auto& r : *routes) byId[r.exportId] = r;
  EXPECT_EQ(byId["orders"].path, "/hooks/orders");
  EXPECT_EQ(byId["orders"].topic, "orders");
  EXPECT_EQ(byId["orders"].auth.hmacSha256Key, "k-orders");
  EXPECT_EQ(byId["orders"].auth.signatureHeader, "X-Hub-Sig");
  EXPECT_FALSE(byId["orders"].auth.bearerToken.has_value());
  EXPECT_EQ(byId["tickets"].auth.bearerToken, "t-tickets");
  EXPECT_EQ(byId["tickets"].auth.signatureHeader, "X-Signature");
  EXPECT_TRUE(byId["open"].auth.open());
}

TEST(ListenerRoutesTest, MissingSecretsAreAllNamedWithTheirExport) {
  auto defs = parse(
      json::array({listenerExport("orders", "/a", {{"hmacSha256", {{"$secret", "orders-key"}}}}),
                   listenerExport("tickets", "/b", {{"bearer", {{"$secret", "tickets-token"}}}}),
                   listenerExport("fine", "/c", {{"bearer", {{"$secret", "fine-token"}}}})}));
  MapResolver secrets(Secrets{{"fine-token", "t"}});
  auto routes = buildListenerRoutes(defs, &secrets);
  ASSERT_FALSE(routes.isOk());
  EXPECT_EQ(routes.status().code(), StatusCode::kNotFound);
  const std::string& m = routes.status().message();
  EXPECT_NE(m.find("export orders: /listener/auth/hmacSha256: secret \"orders-key\""),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("export tickets: /listener/auth/bearer: secret \"tickets-token\""),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("fine"), std::string::npos) << m;

  auto noStore = buildListenerRoutes(defs, nullptr);
  ASSERT_FALSE(noStore.isOk());
  EXPECT_EQ(noStore.status().code(), StatusCode::kFailedPrecondition);
}

TEST(ListenerRoutesTest, EmptySecretIsRefused) {
  auto defs = parse(
      json::array({listenerExport("orders", "/a", {{"bearer", {{"$secret", "orders-token"}}}})}));
  MapResolver secrets(Secrets{{"orders-token", ""}});
  auto routes = buildListenerRoutes(defs, &secrets);
  ASSERT_FALSE(routes.isOk());
  EXPECT_EQ(routes.status().message(), "export orders: /listener/auth/bearer: the secret is empty");
}

TEST(ListenerRoutesTest, TwoExportsOnOnePathAreRefused) {
  auto defs = parse(json::array({listenerExport("a", "/same"), listenerExport("b", "/same")}));
  auto routes = buildListenerRoutes(defs, nullptr);
  ASSERT_FALSE(routes.isOk());
  EXPECT_EQ(routes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(routes.status().message().find("export b: listener path \"/same\": already used by "
                                           "export a"),
            std::string::npos)
      << routes.status().message();
}

TEST(ListenerRoutesTest, RoutesNeedAnAbsolutePathAndATopic) {
  ListenerRoute r{"hooks", "e", "e", {}};
  EXPECT_NE(validateListenerRoutes({r}).message().find("must start with '/'"), std::string::npos);
  r.path = "/h?x=1";
  EXPECT_NE(validateListenerRoutes({r}).message().find("query string"), std::string::npos);
  r.path = "/h";
  r.topic = "";
  EXPECT_NE(validateListenerRoutes({r}).message().find("has no topic"), std::string::npos);
  r.topic = "e";
  EXPECT_TRUE(validateListenerRoutes({r}).isOk());
}

}  // namespace
}  // namespace ferry::agent::connectors::listener
