#include "common/log/logger.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/json/json.h"

namespace ferry {
namespace {

// A fake sink that keeps the lines in memory.
class FakeSink : public LogSink {
 public:
  void write(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

TEST(LoggerTest, WritesOneJsonObjectPerLine) {
  auto sink = std::make_shared<FakeSink>();
  Logger log(sink, LogLevel::kInfo, "agent");
  log.child("queue").info("page appended", {{"topic", "orders"}, {"seq", 42}, {"ok", true}});
  ASSERT_EQ(sink->lines.size(), 1u);
  const std::string& line = sink->lines[0];
  ASSERT_EQ(line.back(), '\n');
  auto j = ferry::Json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["component"], "agent.queue");
  EXPECT_EQ(j["msg"], "page appended");
  EXPECT_EQ(j["topic"], "orders");
  EXPECT_EQ(j["seq"], 42);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["time"].get<std::string>().size(), 24u);  // 2026-01-01T00:00:00.000Z
}

TEST(LoggerTest, LevelFiltersAndInvalidUtf8IsReplaced) {
  auto sink = std::make_shared<FakeSink>();
  Logger log(sink, LogLevel::kWarning, "x");
  log.info("dropped");
  log.debug("dropped");
  log.warning("kept", {{"bad", std::string("\xff\xfe")}});
  ASSERT_EQ(sink->lines.size(), 1u);
  EXPECT_NO_THROW(ferry::Json::parse(sink->lines[0]));
  EXPECT_EQ(parseLogLevel("error"), LogLevel::kError);
  EXPECT_FALSE(parseLogLevel("loud").has_value());
}

}  // namespace
}  // namespace ferry
