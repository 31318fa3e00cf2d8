#include "agent/connectors/file/csv_reader.h"

#include <gtest/gtest.h>

#include "agent/connectors/file/record_reader.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::file {
namespace {

using json = ferry::Json;

struct Item {
  std::string kind;  // "row" or "error"
  std::uint64_t line;
  json value;  // fields, or the message
};

std::vector<Item> readAll(const std::string& input, CsvReader::Options options = {}) {
  StringByteSource source(input);
  CsvReader reader(source, options);
  std::vector<Item> items;
  CsvReader::Row row;
  CsvReader::Error error;
  for (;;) {
    const auto read = reader.next(row, error);
    if (read == CsvReader::Read::kEnd) break;
    if (read == CsvReader::Read::kRow) items.push_back({"row", row.line, row.fields});
    if (read == CsvReader::Read::kError) items.push_back({"error", error.line, error.message});
  }
  EXPECT_TRUE(reader.ioStatus().isOk());
  return items;
}

// Records (objects) and failures from the record layer, as "line: value" strings.
std::vector<std::string> records(const std::string& input, CsvFormat format,
                                 FilePosition start = {}) {
  StringByteSource source(input);
  auto reader = makeCsvRecordReader(source, format, start);
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

TEST(CsvReaderTest, SkipsUtf8BomAtTheStartOnly) {
  auto items = readAll("\xEF\xBB\xBFid,name\r\n1,\xEF\xBB\xBFx\r\n");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].value, json({"id", "name"}));
  EXPECT_EQ(items[1].value, json({"1", "\xEF\xBB\xBFx"}));
}

TEST(CsvReaderTest, ConfigurableDelimiterAndQuote) {
  CsvReader::Options options;
  options.dialect = {';', '\''};
  auto items = readAll("a;'b;c';'it''s'\n\"x\";y;z\n", options);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].value, json({"a", "b;c", "it's"}));
  EXPECT_EQ(items[1].value, json({"\"x\"", "y", "z"}));  // " is data with ' as the quote
}

TEST(CsvReaderTest, TabDelimiter) {
  CsvReader::Options options;
  options.dialect.delimiter = '\t';
  auto items = readAll("a\tb c\t\"d\te\"\n", options);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].value, json({"a", "b c", "d\te"}));
}

TEST(CsvReaderTest, MalformedLinesAreErrorsWithTheirLineAndTheRestIsRead) {
  const std::string input =
      "id,name\n"            // 1
      "1,ok\n"               // 2
      "2,bad\"quote\n"       // 3
      "3,\"x\"y\n"           // 4
      "4,\"multi\nline\"\n"  // 5-6
      "5,too,many\n"         // 7
      "6,fine\n";            // 8
  auto items = readAll(input);
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[1].kind, "row");
  EXPECT_EQ(items[2].kind, "error");
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_EQ(items[2].value, "quote in an unquoted field (column 6)");
  EXPECT_EQ(items[3].kind, "error");
  EXPECT_EQ(items[3].line, 4u);
  EXPECT_EQ(items[4].kind, "row");
  EXPECT_EQ(items[4].line, 5u);
  EXPECT_EQ(items[4].value, json({"4", "multi\nline"}));
  EXPECT_EQ(items[5].kind, "error");
  EXPECT_EQ(items[5].line, 7u);
  EXPECT_EQ(items[5].value, "wrong number of fields: 3, expected 2");
  EXPECT_EQ(items[6].kind, "row");
  EXPECT_EQ(items[6].line, 8u);
  EXPECT_EQ(items[6].value, json({"6", "fine"}));
}

TEST(CsvReaderTest, UnterminatedQuoteResumesOnTheLineAfterTheRecordStart) {
  auto items = readAll("a,b\n1,\"oops\n2,x\n3,y\n");
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[1].kind, "error");
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_NE(items[1].value.get<std::string>().find("unterminated"), std::string::npos);
  EXPECT_EQ(items[2].value, json({"2", "x"}));
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_EQ(items[3].value, json({"3", "y"}));
  EXPECT_EQ(items[3].line, 4u);
}

TEST(CsvReaderTest, OverlongRecordIsAnErrorWithoutHoldingTheRestInMemory) {
  CsvReader::Options options;
  options.maxRecordBytes = 16;
  options.bufferBytes = 8;
  auto items = readAll(
      "a,b\n1,\"starts but never ends\n2,x\n" + std::string(100, 'z') + ",1\n3,y\n", options);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[1].kind, "error");
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_NE(items[1].value.get<std::string>().find("longer than 16 bytes"), std::string::npos);
  EXPECT_EQ(items[2].value, json({"2", "x"}));
  EXPECT_EQ(items[3].kind, "error");  // the long unquoted line
  EXPECT_EQ(items[3].line, 4u);
  EXPECT_EQ(items[4].value, json({"3", "y"}));
}

TEST(CsvReaderTest, PositionResumesExactlyAfterARecord) {
  const std::string input = "a,b\r\n1,\"x\r\ny\"\r\n2,z\r\n";
  StringByteSource source(input);
  CsvReader reader(source, {});
  CsvReader::Row row;
  CsvReader::Error error;
  ASSERT_EQ(reader.next(row, error), CsvReader::Read::kRow);
  ASSERT_EQ(reader.next(row, error), CsvReader::Read::kRow);
  const FilePosition after = reader.position();
  EXPECT_EQ(after.offset, input.find("2,z"));
  EXPECT_EQ(after.line, 4u);

  StringByteSource again(input);
  CsvReader resumed(again, {}, after);
  ASSERT_EQ(resumed.next(row, error), CsvReader::Read::kRow);
  EXPECT_EQ(row.fields, (std::vector<std::string>{"2", "z"}));
  EXPECT_EQ(row.line, 4u);
  EXPECT_EQ(resumed.next(row, error), CsvReader::Read::kEnd);
}

TEST(CsvRecordsTest, HeaderKeysRecordsAndValuesStayStrings) {
  EXPECT_EQ(records("id,price,ok\n1,0012.50,true\n", {}),
            (std::vector<std::string>{R"(2: {"id":"1","ok":"true","price":"0012.50"})"}));
}

TEST(CsvRecordsTest, WithoutHeaderFieldsAreNumberedFromOne) {
  CsvFormat format;
  format.header = false;
  EXPECT_EQ(records("a,b\nc\n", format),
            (std::vector<std::string>{R"(1: {"1":"a","2":"b"})", R"(2: {"1":"c"})"}));
}

TEST(CsvRecordsTest, ResumeMidFileReadsTheHeaderAgain) {
  const std::string input = "\xEF\xBB\xBFid,v\n1,a\n2,b\n3,c\n";
  const FilePosition afterFirst{input.find("2,b"), 3};
  EXPECT_EQ(records(input, {}, afterFirst),
            (std::vector<std::string>{R"(3: {"id":"2","v":"b"})", R"(4: {"id":"3","v":"c"})"}));
}

TEST(CsvRecordsTest, ResumedFileStillChecksFieldCountAgainstHeader) {
  const std::string input = "id,v\n1,a\n2\n3,c\n";
  auto out = records(input, {}, {input.find("2\n"), 3});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "3: failure wrong number of fields: 1, expected 2");
}

TEST(CsvRecordsTest, DuplicateHeaderNameSkipsTheFileWithOneFailure) {
  EXPECT_EQ(records("id,id\n1,2\n3,4\n", {}),
            (std::vector<std::string>{
                "1: failure duplicate column name \"id\" in the header; the file is skipped"}));
}

TEST(CsvRecordsTest, InvalidUtf8FailsOnlyItsRecord) {
  auto out = records("id,v\n1,\xC3\x28\n2,\xC3\xA9\n", {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "2: failure field 2 is not valid UTF-8");
  EXPECT_EQ(out[1], "3: {\"id\":\"2\",\"v\":\"\xC3\xA9\"}");
}

TEST(CsvRecordsTest, EmptyFileAndHeaderOnlyFileHaveNoRecords) {
  EXPECT_TRUE(records("", {}).empty());
  EXPECT_TRUE(records("id,v\r\n", {}).empty());
}

TEST(Utf8Test, AcceptsWellFormedAndRejectsTheRest) {
  EXPECT_TRUE(isValidUtf8("plain \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xE2\x82"));          // truncated
}

}  // namespace
}  // namespace ferry::agent::connectors::file
