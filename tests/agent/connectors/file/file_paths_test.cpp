// The pure parts of file_paths.h; the ones that touch the file system are tested on real
// directories in file_options_test.cpp and file_source_test.cpp.
#include "agent/connectors/file/file_paths.h"

#include <gtest/gtest.h>

namespace ferry::agent::connectors::file {
namespace {

TEST(FilePathsTest, NormalisesRelativePaths) {
  EXPECT_EQ(*normaliseRelative("./inbox//prices/*.csv", "path"), "inbox/prices/*.csv");
  EXPECT_EQ(*normaliseRelative("archive/", "archive"), "archive");
  EXPECT_EQ(*normaliseRelative(".", "archive"), "");
}

TEST(FilePathsTest, RejectsPathsThatLeaveTheRoot) {
  auto absolute = normaliseRelative("/etc/passwd", "path");
  ASSERT_FALSE(absolute.isOk());
  EXPECT_EQ(absolute.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(absolute.status().message(),
            "path: \"/etc/passwd\" must be relative to the connection's root");
  auto up = normaliseRelative("inbox/../../secret/*.csv", "path");
  ASSERT_FALSE(up.isOk());
  EXPECT_NE(up.status().message().find("may not contain \"..\""), std::string::npos);
}

TEST(FilePathsTest, InsideMeansTheRootOrBelowIt) {
  EXPECT_TRUE(isInside("/data/x", "/data/x"));
  EXPECT_TRUE(isInside("/data/x", "/data/x/a"));
  EXPECT_FALSE(isInside("/data/x", "/data/xy"));
  EXPECT_FALSE(isInside("/data/x", "/data"));
  EXPECT_TRUE(isInside("/", "/anything"));
}

TEST(FilePathsTest, StampedNamesKeepTheExtension) {
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1796047200));
  EXPECT_EQ(stampedName("orders.jsonl", when), "orders-20261130T140000Z.jsonl");
  EXPECT_EQ(stampedName("orders.jsonl", when, 2), "orders-20261130T140000Z-2.jsonl");
  EXPECT_EQ(stampedName("orders", when), "orders-20261130T140000Z");
  EXPECT_EQ(stampedName(".hidden", when), ".hidden-20261130T140000Z");
  EXPECT_EQ(stampedName("a.tar.gz", when), "a.tar-20261130T140000Z.gz");
}

}  // namespace
}  // namespace ferry::agent::connectors::file
