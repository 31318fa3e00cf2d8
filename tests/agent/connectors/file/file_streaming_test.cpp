// A file far larger than a page and the read buffer, read page by page: the reader
// streams (memory is one page plus the buffer), and every line arrives once, in order.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/connectors/file/file_source.h"
#include "tests/agent/connectors/file/file_test_support.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::file {
namespace {

using ferry::testing::TempDir;
using json = ferry::Json;
using namespace testing;  // NOLINT: the helpers of this folder

constexpr int kLines = 200000;
constexpr int kPageSize = 1000;

TEST(FileStreamingTest, TwoHundredThousandLinesArriveInFullPagesOnceEach) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("inbox"));
  {
    std::ofstream out(dir.file("inbox/big.csv"), std::ios::binary);
    out << "id,note\r\n";
    for (int i = 0; i < kLines; ++i) {
      // Every 1000th note spans two lines inside quotes.
      out << i << (i % 1000 == 7 ? ",\"two\r\nlines\"\r\n" : ",plain\r\n");
    }
  }
  auto o = exportOptions(
      connection(dir.path()).settings,
      fileExport({{"path", "inbox/big.csv"}, {"format", "csv"}, {"archive", "archive"}}, kPageSize),
      "");
  ASSERT_TRUE(o.isOk()) << o.status().toString();
  o->limits.bufferBytes = 4096;  // the file is ~2.4 MB: hundreds of refills
  FileSource source(std::move(*o), nullptr);
  ASSERT_TRUE(source.open(nullptr).ok());

  std::size_t pages = 0;
  std::size_t records = 0;
  std::int64_t expectedId = 0;
  json last;
  for (;;) {
    std::optional<ExportPage> page;
    ASSERT_TRUE(source.next(page).ok());
    if (!page) break;
    ++pages;
    EXPECT_LE(page->records.size(), static_cast<std::size_t>(kPageSize));
    EXPECT_TRUE(page->failures.empty());
    for (const auto& record : page->records) {
      ASSERT_EQ(record["id"], std::to_string(expectedId)) << "page " << pages;
      ++expectedId;
    }
    records += page->records.size();
    last = page->progress;
  }
  EXPECT_EQ(records, static_cast<std::size_t>(kLines));
  EXPECT_EQ(pages, static_cast<std::size_t>(kLines / kPageSize));
  EXPECT_EQ(last["done"], true);
  EXPECT_EQ(last["line"], 1 + kLines + kLines / 1000 + 1);  // header, records, quoted breaks
  EXPECT_EQ(last["offset"], std::filesystem::file_size(dir.file("inbox/big.csv")));
}

}  // namespace
}  // namespace ferry::agent::connectors::file
