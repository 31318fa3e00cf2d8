#include <gtest/gtest.h>

#include "agent/connectors/file/record_reader.h"

namespace ferry::agent::connectors::file {
namespace {

std::vector<std::string> read(const std::string& input, FilePosition start = {},
                              ReadLimits limits = {}) {
  StringByteSource source(input);
  auto reader = makeJsonlRecordReader(source, start, limits);
  std::vector<std::string> out;
  RecordItem item;
  for (;;) {
    EXPECT_TRUE(reader->next(item).isOk());
    if (item.kind == RecordItem::Kind::kEnd) break;
    out.push_back(
        std::to_string(item.line) + ": " +
        (item.kind == RecordItem::Kind::kRecord ? item.record.dump() : "failure " + item.message));
  }
  return out;
}

TEST(JsonlRecordsTest, ObjectsPerLineWithBomCrlfAndBlankLines) {
  EXPECT_EQ(read("\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"b\":[1,2]}"),
            (std::vector<std::string>{R"(1: {"a":1})", R"(4: {"b":[1,2]})"}));
}

TEST(JsonlRecordsTest, BadLinesAreFailuresAndTheRestIsRead) {
  auto out = read("{\"a\":1}\n{\"a\":\n[1,2]\n\"text\"\n{\"a\":3}\n");
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], R"(1: {"a":1})");
  EXPECT_EQ(out[1].rfind("2: failure invalid JSON: parse error", 0), 0u) << out[1];
  EXPECT_EQ(out[2], "3: failure expected a JSON object, got array");
  EXPECT_EQ(out[3], "4: failure expected a JSON object, got string");
  EXPECT_EQ(out[4], R"(5: {"a":3})");
}

TEST(JsonlRecordsTest, OverlongLineIsSkipped) {
  ReadLimits limits;
  limits.maxRecordBytes = 10;
  limits.bufferBytes = 4;
  auto out = read("{\"a\":\"" + std::string(50, 'x') + "\"}\n{\"b\":2}\n", {}, limits);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "1: failure line longer than 10 bytes");
  EXPECT_EQ(out[1], R"(2: {"b":2})");
}

TEST(JsonlRecordsTest, ResumesAtAPosition) {
  const std::string input = "{\"a\":1}\n{\"a\":2}\n";
  EXPECT_EQ(read(input, {8, 2}), (std::vector<std::string>{R"(2: {"a":2})"}));
}

TEST(JsonlRecordsTest, InvalidUtf8IsAFailure) {
  auto out = read("{\"a\":\"\xC3\x28\"}\n{\"a\":1}\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].rfind("1: failure invalid JSON", 0), 0u) << out[0];
}

}  // namespace
}  // namespace ferry::agent::connectors::file
