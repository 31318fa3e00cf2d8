#include "agent/connectors/file/csv_writer.h"

#include <gtest/gtest.h>

namespace ferry::agent::connectors::file {
namespace {

using json = ferry::Json;

std::vector<std::vector<std::string>> readBack(const std::string& text, CsvDialect dialect) {
  StringByteSource source(text);
  CsvReader::Options options;
  options.dialect = dialect;
  options.fieldCount = CsvReader::FieldCount::kVariable;
  CsvReader reader(source, options);
  std::vector<std::vector<std::string>> rows;
  CsvReader::Row row;
  CsvReader::Error error;
  for (auto read = reader.next(row, error); read != CsvReader::Read::kEnd;
       read = reader.next(row, error)) {
    EXPECT_EQ(read, CsvReader::Read::kRow) << error.message;
    rows.push_back(row.fields);
  }
  return rows;
}

TEST(CsvWriterTest, QuotesOnlyWhenNeeded) {
  std::string out;
  appendCsvRecord(out, {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", " spaced "}, {});
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\", spaced \r\n");
}

TEST(CsvWriterTest, SingleEmptyFieldIsNotABlankLine) {
  std::string out;
  appendCsvRecord(out, {""}, {});
  EXPECT_EQ(out, "\"\"\r\n");
  EXPECT_EQ(readBack(out, {}), (std::vector<std::vector<std::string>>{{""}}));
}

TEST(CsvWriterTest, RoundTripsAwkwardValuesThroughTheReader) {
  const std::vector<std::vector<std::string>> rows = {
      {"id", "text"}, {"1", "comma, inside"}, {"2", "\"quoted\""},       {"3", "line\r\nbreak"},
      {"4", ""},      {"5", "semi;colon"},    {"6", "\xC3\xA9t\xC3\xA9"}};
  for (const CsvDialect dialect : {CsvDialect{}, CsvDialect{';', '\''}, CsvDialect{'\t', '"'}}) {
    std::string out;
    for (const auto& row : rows) appendCsvRecord(out, row, dialect);
    EXPECT_EQ(readBack(out, dialect), rows) << out;
  }
}

TEST(CsvWriterTest, FieldTextOfJsonValues) {
  EXPECT_EQ(csvFieldText("x"), "x");
  EXPECT_EQ(csvFieldText(nullptr), "");
  EXPECT_EQ(csvFieldText(12.5), "12.5");
  EXPECT_EQ(csvFieldText(true), "true");
  EXPECT_EQ(csvFieldText(json{{"a", 1}}), R"({"a":1})");
}

TEST(CsvWriterTest, FieldsFollowColumnsAndUnknownKeysFail) {
  auto fields = csvFieldsOf(json{{"b", 2}, {"a", "x"}}, {"a", "b", "c"});
  ASSERT_TRUE(fields.isOk());
  EXPECT_EQ(*fields, (std::vector<std::string>{"x", "2", ""}));
  auto unknown = csvFieldsOf(json{{"a", 1}, {"zz", 2}}, {"a", "b"});
  ASSERT_FALSE(unknown.isOk());
  EXPECT_EQ(unknown.status().message(), "field \"zz\" is not a column of the file (columns: a, b)");
  EXPECT_FALSE(csvFieldsOf(json::array({1}), {"a"}).isOk());
}

TEST(CsvWriterTest, ColumnsOfNumberedFieldsAreInNumericOrder) {
  json row;
  for (int i = 1; i <= 11; ++i) row[std::to_string(i)] = "v";
  const auto columns = columnsOf(row);
  ASSERT_EQ(columns.size(), 11u);
  EXPECT_EQ(columns[1], "2");
  EXPECT_EQ(columns[10], "11");
  EXPECT_EQ(columnsOf(json{{"b", 1}, {"a", 2}}), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace ferry::agent::connectors::file
