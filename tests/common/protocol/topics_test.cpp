#include "common/protocol/topics.h"

#include <gtest/gtest.h>

namespace ferry::protocol {
namespace {

TEST(TopicsTest, BuildAndParse) {
  EXPECT_EQ(topicFor("plant-1", Leaf::kEvents), "ferry/v1/agents/plant-1/events");
  EXPECT_EQ(allAgentsFilter(Leaf::kOnline), "ferry/v1/agents/+/online");
  auto t = parseTopic("ferry/v1/agents/plant-1/reported");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->agentId, "plant-1");
  EXPECT_EQ(t->leaf, Leaf::kReported);
}

TEST(TopicsTest, RejectsAnythingElse) {
  EXPECT_FALSE(parseTopic("ferry/v1/agents/plant-1/other"));
  EXPECT_FALSE(parseTopic("ferry/v1/agents/Plant/events"));  // ids are lower case
  EXPECT_FALSE(parseTopic("ferry/v1/agents/a/b/events"));
  EXPECT_FALSE(parseTopic("ferry/v2/agents/a/events"));
  EXPECT_FALSE(parseTopic("ferry/v1/agents//events"));
  EXPECT_FALSE(isValidAgentId(std::string(65, 'a')));
  EXPECT_TRUE(isValidAgentId("a.b_c-1"));
}

}  // namespace
}  // namespace ferry::protocol
