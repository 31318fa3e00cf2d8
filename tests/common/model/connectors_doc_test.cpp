// docs/connectors.md is generated from the connector descriptors; this test fails when the
// committed page and the descriptors drift apart. Regenerate with scripts/gen-docs.sh.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/json/json.h"
#include "common/model/connector_descriptor.h"
#include "common/model/validate.h"

namespace ferry::model {
namespace {

using json = ferry::Json;

TEST(ConnectorsDocTest, CommittedPageMatchesTheDescriptors) {
  std::string path = std::string(FERRY_SOURCE_DIR) + "/docs/connectors.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path << " is missing: run scripts/gen-docs.sh";
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), connectorsMarkdown())
      << path << " is stale: run scripts/gen-docs.sh and commit the result";
}

TEST(ConnectorDescriptorsTest, EveryDesignTypeIsListedOnce) {
  std::vector<std::string> expected = {"sqlite", "postgresql", "mysql",   "odbc",
                                       "file",   "http",       "listener"};
  EXPECT_EQ(connectorTypes(), expected);
  for (const auto& type : expected) EXPECT_EQ(findConnector(type)->type, type);
  EXPECT_EQ(findConnector("oracle"), nullptr);
}

// Validation reads the descriptors: a connection with empty settings is told about exactly
// the required settings of its type.
TEST(ConnectorDescriptorsTest, ValidationUsesTheDescriptorSettings) {
  for (const auto& d : connectorDescriptors()) {
    if (!d.takesConnection) continue;
    json doc = {
        {"resources",
         {{{"kind", "connection"}, {"id", "c"}, {"type", d.type}, {"settings", json::object()}}}}};
    std::string expected;
    for (const auto& f : d.settings) {
      if (f.required)
        expected += "/resources/0/settings/" + f.name + ": missing required key '" + f.name + "'\n";
    }
    EXPECT_EQ(formatProblems(validateDefinitions(doc)), expected) << d.type;
  }
}

TEST(ConnectorDescriptorsTest, SecretsAreDeclaredAsSecrets) {
  for (const auto& d : connectorDescriptors()) {
    for (const auto& leaf : schema::leaves(d.settings)) {
      const auto& name = leaf.path.back();
      if (name == "password" || name == "bearer") {
        EXPECT_TRUE(leaf.field->secret) << d.type << " " << name;
      }
    }
  }
}

}  // namespace
}  // namespace ferry::model
