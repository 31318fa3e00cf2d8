// Runs every case of the shared CSV conformance file (RFC 4180, csv-spectrum, Go's
// encoding/csv). Where a case is marked implementation_specific and Ferry's answer differs
// from the one in the file, kFerryDiffers holds Ferry's; docs/connector-file.md lists them
// all (checked below).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "agent/connectors/file/csv_reader.h"
#include "agent/connectors/file/record_reader.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::file {
namespace {

using json = ferry::Json;

const std::map<std::string, json>& ferryDiffers() {
  static const std::map<std::string, json> differs = {
      // Line breaks inside quoted fields are kept as written (RFC 4180 2.6, csv-spectrum
      // newlines_crlf); Go turns CRLF into LF.
      {"go-encoding-csv/CRLFInQuotedField", json::array({json::array({"A", "Hello\r\nHi", "B"})})},
  };
  return differs;
}

json loadCases() {
  std::ifstream in(FERRY_CONFORMANCE_DIR "/csv-cases.json");
  if (!in) return json::object();
  return json::parse(in, nullptr, false);
}

const json& cases() {
  static const json all = loadCases();
  static const json none = json::array();
  return all.is_object() && all.contains("cases") ? all["cases"] : none;
}

struct Parsed {
  std::vector<std::vector<std::string>> rows;
  std::vector<CsvReader::Error> errors;
};

Parsed parse(const std::string& input, CsvReader::FieldCount count, std::size_t bufferBytes) {
  StringByteSource source(input);
  CsvReader::Options options;
  options.fieldCount = count;
  options.bufferBytes = bufferBytes;
  CsvReader reader(source, options);
  Parsed out;
  CsvReader::Row row;
  CsvReader::Error error;
  for (;;) {
    const auto read = reader.next(row, error);
    if (read == CsvReader::Read::kEnd) break;
    if (read == CsvReader::Read::kRow) out.rows.push_back(row.fields);
    if (read == CsvReader::Read::kError) out.errors.push_back(error);
  }
  EXPECT_TRUE(reader.ioStatus().isOk());
  return out;
}

// The line Go's message gives for the start of the bad record.
std::uint64_t expectedErrorLine(const std::string& goMessage) {
  std::smatch m;
  if (std::regex_search(goMessage, m, std::regex("record starts line (\\d+)")) ||
      std::regex_search(goMessage, m, std::regex("\\(line (\\d+)"))) {
    return std::stoull(m[1]);
  }
  return 0;
}

class CsvConformanceTest : public ::testing::TestWithParam<std::size_t> {};

TEST_P(CsvConformanceTest, Case) {
  const json& c = cases()[GetParam()];
  const std::string name = c["name"];
  SCOPED_TRACE(name);
  const std::string input = c["input"];
  const auto count = c.value("fields_per_record", "") == "variable"
                         ? CsvReader::FieldCount::kVariable
                         : CsvReader::FieldCount::kSameAsFirst;
  // Once with the normal buffer, once with the smallest so every byte crosses a refill.
  for (const std::size_t buffer : {std::size_t{64} << 10, BufferedInput::kMinBuffer}) {
    SCOPED_TRACE("buffer " + std::to_string(buffer));
    const Parsed parsed = parse(input, count, buffer);
    if (c.contains("expected_error")) {
      ASSERT_FALSE(parsed.errors.empty()) << "accepted input a strict reader must reject";
      EXPECT_EQ(parsed.errors[0].line, expectedErrorLine(c["expected_error"]))
          << parsed.errors[0].message;
      EXPECT_FALSE(parsed.errors[0].message.empty());
    } else if (c.contains("expected_rows")) {
      json expected = c["expected_rows"];
      if (auto differs = ferryDiffers().find(name); differs != ferryDiffers().end()) {
        ASSERT_TRUE(c.contains("implementation_specific"));
        expected = differs->second;
      }
      EXPECT_TRUE(parsed.errors.empty()) << parsed.errors[0].message;
      EXPECT_EQ(json(parsed.rows), expected);
    } else {
      ASSERT_TRUE(c.contains("expected_objects"));
      ASSERT_TRUE(c.value("header", false));
      StringByteSource source(input);
      ReadLimits limits;
      limits.bufferBytes = buffer;
      auto reader = makeCsvRecordReader(source, CsvFormat{}, {}, limits);
      json records = json::array();
      RecordItem item;
      for (;;) {
        ASSERT_TRUE(reader->next(item).isOk());
        if (item.kind == RecordItem::Kind::kEnd) break;
        ASSERT_EQ(item.kind, RecordItem::Kind::kRecord) << item.message;
        records.push_back(item.record);
      }
      EXPECT_EQ(records, c["expected_objects"]);
    }
  }
}

std::string caseName(const ::testing::TestParamInfo<std::size_t>& info) {
  std::string name = cases()[info.param]["name"];
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name + "_" + std::to_string(info.param);
}

std::vector<std::size_t> caseIndexes() {
  std::vector<std::size_t> indexes(cases().size());
  for (std::size_t i = 0; i < indexes.size(); ++i) indexes[i] = i;
  return indexes;
}

INSTANTIATE_TEST_SUITE_P(Shared, CsvConformanceTest, ::testing::ValuesIn(caseIndexes()), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CsvConformanceTest);

TEST(CsvConformanceFileTest, IsThereAndComplete) {
  ASSERT_EQ(cases().size(), 47u) << "csv-cases.json missing or changed: update this test";
}

TEST(CsvConformanceFileTest, EveryImplementationSpecificCaseIsDocumented) {
  std::ifstream in(FERRY_SOURCE_DIR "/docs/connector-file.md");
  ASSERT_TRUE(in) << "docs/connector-file.md is missing";
  std::stringstream docs;
  docs << in.rdbuf();
  std::size_t specific = 0;
  for (const auto& c : cases()) {
    if (!c.contains("implementation_specific")) {
      EXPECT_EQ(ferryDiffers().count(c["name"]), 0u) << c["name"];
      continue;
    }
    ++specific;
    EXPECT_NE(docs.str().find(c["name"].get<std::string>()), std::string::npos)
        << c["name"] << " is implementation-specific and not described in connector-file.md";
  }
  EXPECT_EQ(specific, 5u);
}

}  // namespace
}  // namespace ferry::agent::connectors::file
