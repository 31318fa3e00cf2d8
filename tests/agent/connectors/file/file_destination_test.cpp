#include "agent/connectors/file/file_destination.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "agent/connectors/file/file_source.h"
#include "tests/agent/connectors/file/file_test_support.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::file {
namespace {

using ferry::testing::TempDir;
using json = ferry::Json;
using namespace testing;  // NOLINT: the helpers of this folder

std::unique_ptr<FileDestination> openDestination(const std::string& root, json options,
                                                 json mapping = nullptr,
                                                 const Clock* clock = nullptr) {
  auto o = importOptions(connection(root).settings, fileImport(std::move(options), mapping));
  EXPECT_TRUE(o.isOk()) << o.status().toString();
  if (!o.isOk()) return nullptr;
  return std::make_unique<FileDestination>(std::move(*o), nullptr, clock);
}

PageWrite writeOk(Destination& d, const std::vector<json>& rows) {
  PageWrite w = d.write({}, rows);
  EXPECT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  return w;
}

TEST(FileDestinationTest, AppendsJsonLinesAcrossPagesAndRestarts) {
  TempDir dir;
  const json options = {{"path", "outbox/orders.jsonl"}, {"format", "jsonl"}};
  {
    auto d = openDestination(dir.path(), options);
    writeOk(*d, {json{{"id", 1}}, json{{"id", 2}, {"name", "\xC3\xA9"}}});
    writeOk(*d, {json{{"id", 3}}});
  }
  auto again = openDestination(dir.path(), options);
  writeOk(*again, {json{{"id", 4}}});
  EXPECT_EQ(readFile(dir.file("outbox/orders.jsonl")),
            "{\"id\":1}\n{\"id\":2,\"name\":\"\xC3\xA9\"}\n{\"id\":3}\n{\"id\":4}\n");
}

TEST(FileDestinationTest, CsvHeaderOnceAndColumnsFromMappingThenFromTheFile) {
  TempDir dir;
  const json options = {{"path", "out.csv"}, {"format", "csv"}};
  const json mapping = json::array({{{"from", "id"}, {"to", "order_id"}},
                                    {{"from", "total"}, {"to", "total"}},
                                    {{"from", "name"}, {"to", "customer.name"}}});
  {
    auto d = openDestination(dir.path(), options, mapping);
    writeOk(*d, {json{{"total", 10.5}, {"order_id", 1}, {"customer", {{"name", "A, B"}}}}});
  }
  // A restart with no mapping: the columns come from the existing file's header.
  auto d = openDestination(dir.path(), options);
  const PageWrite w = writeOk(*d, {json{{"order_id", 2}}, json{{"order_id", 3}, {"extra", 1}}});
  ASSERT_EQ(w.failures.size(), 1u);
  EXPECT_EQ(w.failures[0].index, 1u);
  EXPECT_EQ(w.failures[0].message,
            "out.csv: field \"extra\" is not a column of the file (columns: order_id, total, "
            "customer)");
  EXPECT_EQ(readFile(dir.file("out.csv")),
            "order_id,total,customer\r\n1,10.5,\"{\"\"name\"\":\"\"A, B\"\"}\"\r\n2,,\r\n");
}

TEST(FileDestinationTest, CsvRoundTripThroughTheSourceKeepsAwkwardValues) {
  TempDir dir;
  const std::vector<json> rows = {
      json{{"id", "1"}, {"text", "comma, and \"quotes\""}},
      json{{"id", "2"}, {"text", "line\nbreak and\r\nCRLF"}},
      json{{"id", "3"}, {"text", ""}},
      json{{"id", "4"}, {"text", " padded "}},
      json{{"id", "5"}, {"text", "\xE2\x82\xAC;|\t"}},
  };
  for (const std::string delimiter : {",", ";", "\t"}) {
    SCOPED_TRACE("delimiter " + delimiter);
    const json csv = {{"delimiter", delimiter}, {"quote", "\""}, {"header", true}};
    const std::string name = "rt" + std::to_string(static_cast<int>(delimiter[0]));
    auto d = openDestination(dir.path(),
                             {{"path", "out/" + name + ".csv"}, {"format", "csv"}, {"csv", csv}});
    writeOk(*d, {rows.begin(), rows.begin() + 2});
    writeOk(*d, {rows.begin() + 2, rows.end()});
    auto o = exportOptions(connection(dir.path()).settings,
                           fileExport({{"path", "out/" + name + ".csv"},
                                       {"format", "csv"},
                                       {"csv", csv},
                                       {"archive", "done"}}),
                           "");
    ASSERT_TRUE(o.isOk()) << o.status().toString();
    FileSource source(std::move(*o), nullptr);
    ASSERT_TRUE(source.open(nullptr).ok());
    std::vector<json> back;
    for (const auto& page : readAllPages(source)) {
      EXPECT_TRUE(page.failures.empty());
      back.insert(back.end(), page.records.begin(), page.records.end());
    }
    EXPECT_EQ(back, rows);
  }
}

TEST(FileDestinationTest, RotatesPastRotateBytesWithCollisionSafeUtcNames) {
  TempDir dir;
  const FakeClock clock(k20261130T140000Z);
  const json options = {{"path", "outbox/orders.jsonl"}, {"format", "jsonl"}, {"rotateBytes", 20}};
  auto d = openDestination(dir.path(), options, nullptr, &clock);
  writeOk(*d, {json{{"n", 1}}});                  // 8 bytes: stays
  writeOk(*d, {json{{"n", 2}}, json{{"n", 3}}});  // 24 bytes: full, rotated after the page
  EXPECT_EQ(listDirectory(dir.file("outbox")),
            std::vector<std::string>{"orders-20261130T140000Z.jsonl"});
  writeOk(*d, {json{{"n", 4}}, json{{"n", 5}}, json{{"n", 6}}});  // same second: "-1"
  writeOk(*d, {json{{"n", 7}}});
  EXPECT_EQ(listDirectory(dir.file("outbox")),
            (std::vector<std::string>{"orders-20261130T140000Z-1.jsonl",
                                      "orders-20261130T140000Z.jsonl", "orders.jsonl"}));
  EXPECT_EQ(readFile(dir.file("outbox/orders-20261130T140000Z.jsonl")),
            "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  EXPECT_EQ(readFile(dir.file("outbox/orders-20261130T140000Z-1.jsonl")),
            "{\"n\":4}\n{\"n\":5}\n{\"n\":6}\n");
  EXPECT_EQ(readFile(dir.file("outbox/orders.jsonl")), "{\"n\":7}\n");
}

TEST(FileDestinationTest, RotatedCsvFilesEachStartWithTheHeader) {
  TempDir dir;
  const FakeClock clock(k20261130T140000Z);
  auto d = openDestination(dir.path(), {{"path", "o.csv"}, {"format", "csv"}, {"rotateBytes", 1}},
                           nullptr, &clock);
  writeOk(*d, {json{{"a", "1"}}});
  writeOk(*d, {json{{"a", "2"}}});
  EXPECT_EQ(readFile(dir.file("o-20261130T140000Z.csv")), "a\r\n1\r\n");
  EXPECT_EQ(readFile(dir.file("o-20261130T140000Z-1.csv")), "a\r\n2\r\n");
}

TEST(FileDestinationTest, TornLastLineIsCutBeforeAppending) {
  TempDir dir;
  writeFile(dir.file("o.jsonl"), "{\"n\":1}\n{\"n\":2}\n{\"n\":");
  auto d = openDestination(dir.path(), {{"path", "o.jsonl"}, {"format", "jsonl"}});
  writeOk(*d, {json{{"n", 3}}});
  EXPECT_EQ(readFile(dir.file("o.jsonl")), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST(FileDestinationTest, RowsThatAreNotObjectsFailAlone) {
  TempDir dir;
  auto d = openDestination(dir.path(), {{"path", "o.jsonl"}, {"format", "jsonl"}});
  const PageWrite w = writeOk(*d, {json{{"n", 1}}, json::array({1}), json{{"n", 2}}});
  ASSERT_EQ(w.failures.size(), 1u);
  EXPECT_EQ(w.failures[0].index, 1u);
  EXPECT_EQ(readFile(dir.file("o.jsonl")), "{\"n\":1}\n{\"n\":2}\n");
}

TEST(FileDestinationTest, PathsOutsideTheRootAreRefused) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("root"));
  std::filesystem::create_directories(dir.file("outside"));
  auto up = importOptions(connection(dir.file("root")).settings,
                          fileImport({{"path", "../outside/o.csv"}, {"format", "csv"}}));
  ASSERT_FALSE(up.isOk());
  EXPECT_EQ(up.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(up.status().message(),
            "import orders-file: path: \"../outside/o.csv\" may not contain \"..\" (paths stay "
            "under root)");

  std::filesystem::create_directory_symlink(dir.file("outside"), dir.file("root/out"));
  auto d = openDestination(dir.file("root"), {{"path", "out/o.csv"}, {"format", "csv"}});
  const PageWrite w = d->write({}, {json{{"a", 1}}});
  EXPECT_TRUE(w.outcome.fatal());
  EXPECT_NE(w.outcome.status.message().find("directory \"out\" leads outside root"),
            std::string::npos)
      << w.outcome.status.message();
  EXPECT_TRUE(listDirectory(dir.file("outside")).empty());
}

}  // namespace
}  // namespace ferry::agent::connectors::file
