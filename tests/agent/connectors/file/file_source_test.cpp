#include "agent/connectors/file/file_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "agent/connectors/file/file_connector.h"
#include "tests/agent/connectors/file/file_test_support.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::connectors::file {
namespace {

using ferry::testing::TempDir;
using json = ferry::Json;
using namespace testing;  // NOLINT: the helpers of this folder

struct Env {
  TempDir dir;
  std::string root = dir.path() + "/root";
  std::string state = dir.path() + "/state";
  Env() {
    std::filesystem::create_directories(root + "/inbox");
    std::filesystem::create_directories(state);
  }
  std::string at(const std::string& relative) const { return root + "/" + relative; }
};

std::unique_ptr<FileSource> openSource(const Env& env, json options, int pageSize = 500,
                                       const Clock* clock = nullptr) {
  auto o = exportOptions(connection(env.root).settings, fileExport(std::move(options), pageSize),
                         env.state);
  EXPECT_TRUE(o.isOk()) << o.status().toString();
  if (!o.isOk()) return nullptr;
  return std::make_unique<FileSource>(std::move(*o), nullptr, clock);
}

std::vector<json> recordsOf(const std::vector<ExportPage>& pages) {
  std::vector<json> out;
  for (const auto& page : pages) out.insert(out.end(), page.records.begin(), page.records.end());
  return out;
}

std::string csvRows(const std::string& prefix, int n) {
  std::string text = "id,name\r\n";
  for (int i = 1; i <= n; ++i)
    text += prefix + std::to_string(i) + ",\"n, " + std::to_string(i) + "\"\r\n";
  return text;
}

const json kCsvArchived = {{"path", "inbox/*.csv"}, {"format", "csv"}, {"archive", "archive"}};

TEST(FileSourceTest, PagesFilesInNameOrderAndNeverSpanTwoFiles) {
  Env env;
  writeFile(env.at("inbox/b.csv"), csvRows("b", 3));
  writeFile(env.at("inbox/a.csv"), csvRows("a", 5));
  writeFile(env.at("inbox/c.txt"), csvRows("c", 1));        // does not match
  writeFile(env.at("inbox/.a.csv.part"), csvRows("p", 1));  // does not match
  writeFile(env.at("inbox/.hidden.csv"), csvRows("h", 1));  // "*" does not match a leading "."
  auto source = openSource(env, kCsvArchived, 2);
  ASSERT_TRUE(source->open(nullptr).ok());
  const auto pages = readAllPages(*source);
  ASSERT_EQ(pages.size(), 5u);
  const std::vector<std::size_t> sizes = {2, 2, 1, 2, 1};
  const std::vector<std::string> files = {"inbox/a.csv", "inbox/a.csv", "inbox/a.csv",
                                          "inbox/b.csv", "inbox/b.csv"};
  const std::vector<bool> done = {false, false, true, false, true};
  for (std::size_t i = 0; i < pages.size(); ++i) {
    EXPECT_EQ(pages[i].records.size(), sizes[i]) << i;
    EXPECT_EQ(pages[i].progress["file"], files[i]) << i;
    EXPECT_EQ(pages[i].progress["done"], done[i]) << i;
    EXPECT_TRUE(pages[i].failures.empty());
  }
  EXPECT_EQ(pages[0].progress["line"], 4);  // header and two records read
  EXPECT_EQ(pages[2].progress["offset"], std::filesystem::file_size(env.at("inbox/a.csv")));
  const auto records = recordsOf(pages);
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(records[0], json({{"id", "a1"}, {"name", "n, 1"}}));
  EXPECT_EQ(records[5], json({{"id", "b1"}, {"name", "n, 1"}}));
}

TEST(FileSourceTest, ResumingFromAnyCommittedPageLosesAndDoublesNothing) {
  for (const std::string format : {"csv", "jsonl"}) {
    SCOPED_TRACE(format);
    Env env;
    if (format == "csv") {
      writeFile(env.at("inbox/1.csv"), csvRows("x", 7));
      writeFile(env.at("inbox/2.csv"), "id,name\nbad\"line,z\n" + csvRows("y", 4).substr(9));
    } else {
      std::string one, two;
      for (int i = 1; i <= 7; ++i) one += json{{"id", "x" + std::to_string(i)}}.dump() + "\n";
      for (int i = 1; i <= 4; ++i) two += json{{"id", "y" + std::to_string(i)}}.dump() + "\r\n";
      writeFile(env.at("inbox/1.jsonl"), one);
      writeFile(env.at("inbox/2.jsonl"), "{oops\n" + two);
    }
    const json options = {{"path", "inbox/*." + format}, {"format", format}, {"archive", "done"}};
    std::vector<ExportPage> all;
    {
      auto reference = openSource(env, options, 3);
      ASSERT_TRUE(reference->open(nullptr).ok());
      all = readAllPages(*reference);
    }
    ASSERT_EQ(recordsOf(all).size(), 11u);
    // A crash after page k was queued: a new source resumes from that page's progress.
    for (std::size_t k = 0; k < all.size(); ++k) {
      SCOPED_TRACE("crash after page " + std::to_string(k));
      auto source = openSource(env, options, 3);
      ASSERT_TRUE(source->open(all[k].progress).ok());
      const auto rest = readAllPages(*source);
      std::vector<json> seen = recordsOf({all.begin(), all.begin() + k + 1});
      const auto more = recordsOf(rest);
      seen.insert(seen.end(), more.begin(), more.end());
      EXPECT_EQ(seen, recordsOf(all));
      std::size_t failures = 0;
      for (std::size_t i = 0; i <= k; ++i) failures += all[i].failures.size();
      for (const auto& page : rest) failures += page.failures.size();
      EXPECT_EQ(failures, 1u);
    }
  }
}

TEST(FileSourceTest, ArchivesAFileOnlyOnceItsLastPageIsCommitted) {
  Env env;
  writeFile(env.at("inbox/a.csv"), csvRows("a", 3));
  writeFile(env.at("inbox/b.csv"), csvRows("b", 1));
  auto source = openSource(env, kCsvArchived, 2);
  ASSERT_TRUE(source->open(nullptr).ok());
  const auto pages = readAllPages(*source);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(listDirectory(env.at("inbox")), (std::vector<std::string>{"a.csv", "b.csv"}));
  EXPECT_EQ(listDirectory(env.at("archive")), std::vector<std::string>{});  // created, empty

  ASSERT_TRUE(source->committed(pages[0].progress).ok());  // a.csv not finished yet
  EXPECT_EQ(listDirectory(env.at("inbox")), (std::vector<std::string>{"a.csv", "b.csv"}));
  ASSERT_TRUE(source->committed(pages[1].progress).ok());
  EXPECT_EQ(listDirectory(env.at("inbox")), std::vector<std::string>{"b.csv"});
  EXPECT_EQ(listDirectory(env.at("archive")), std::vector<std::string>{"a.csv"});
  ASSERT_TRUE(source->committed(pages[2].progress).ok());
  EXPECT_TRUE(listDirectory(env.at("inbox")).empty());
  EXPECT_EQ(listDirectory(env.at("archive")), (std::vector<std::string>{"a.csv", "b.csv"}));
  EXPECT_EQ(readFile(env.at("archive/a.csv")), csvRows("a", 3));
}

TEST(FileSourceTest, CrashBetweenQueueCommitAndArchiveIsFinishedOnOpen) {
  Env env;
  writeFile(env.at("inbox/a.csv"), csvRows("a", 2));
  writeFile(env.at("inbox/b.csv"), csvRows("b", 2));
  json queued;
  {
    auto source = openSource(env, kCsvArchived);
    ASSERT_TRUE(source->open(nullptr).ok());
    std::optional<ExportPage> page;
    ASSERT_TRUE(source->next(page).ok());
    queued = page->progress;  // queued; the process dies before committed()
  }
  EXPECT_EQ(listDirectory(env.at("inbox")), (std::vector<std::string>{"a.csv", "b.csv"}));
  auto source = openSource(env, kCsvArchived);
  ASSERT_TRUE(source->open(queued).ok());
  EXPECT_EQ(listDirectory(env.at("archive")), std::vector<std::string>{"a.csv"});
  const auto rest = recordsOf(readAllPages(*source));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0]["id"], "b1");
}

TEST(FileSourceTest, LatestProgressAloneFinishesEveryFileItsPagesRead) {
  // Pages queued one after another with no committed() in between (or a crash before
  // them): the last progress still names every finished file, so none is read again.
  Env env;
  writeFile(env.at("inbox/a.csv"), csvRows("a", 1));
  writeFile(env.at("inbox/b.csv"), csvRows("b", 1));
  writeFile(env.at("inbox/c.csv"), csvRows("c", 3));
  json last;
  {
    auto source = openSource(env, kCsvArchived, 2);
    ASSERT_TRUE(source->open(nullptr).ok());
    std::optional<ExportPage> page;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(source->next(page).ok());
    last = page->progress;  // mid c.csv
  }
  EXPECT_EQ(last["file"], "inbox/c.csv");
  EXPECT_EQ(last["finished"].size(), 2u);
  auto source = openSource(env, kCsvArchived, 2);
  ASSERT_TRUE(source->open(last).ok());
  EXPECT_EQ(listDirectory(env.at("archive")), (std::vector<std::string>{"a.csv", "b.csv"}));
  const auto pages = readAllPages(*source);
  ASSERT_EQ(recordsOf(pages).size(), 1u);
  EXPECT_EQ(recordsOf(pages)[0]["id"], "c3");
  EXPECT_FALSE(pages.back().progress.contains("finished"));  // the new source finished none
  ASSERT_TRUE(source->committed(pages.back().progress).ok());
  EXPECT_TRUE(listDirectory(env.at("inbox")).empty());
}

TEST(FileSourceTest, ANewFileWithAnArchivedNameIsReadNotArchivedUnread) {
  Env env;
  writeFile(env.at("inbox/a.csv"), csvRows("a", 2));
  json last;
  {
    auto source = openSource(env, kCsvArchived);
    ASSERT_TRUE(source->open(nullptr).ok());
    const auto pages = readAllPages(*source);
    last = pages.back().progress;
    ASSERT_TRUE(source->committed(last).ok());
  }
  writeFile(env.at("inbox/a.csv"), csvRows("b", 2));  // same name and size, another file
  const FakeClock clock(k20261130T140000Z);
  auto source = openSource(env, kCsvArchived, 500, &clock);
  ASSERT_TRUE(source->open(last).ok());  // the stored progress still says a.csv is done
  const auto pages = readAllPages(*source);
  const auto records = recordsOf(pages);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["id"], "b1");
  ASSERT_TRUE(source->committed(pages.back().progress).ok());
  EXPECT_EQ(listDirectory(env.at("archive")),
            (std::vector<std::string>{"a-20261130T140000Z.csv", "a.csv"}));
}

TEST(FileSourceTest, WithoutArchiveFilesAreReadOnceAndAgainWhenTheirSizeChanges) {
  Env env;
  const json options = {{"path", "inbox/*.jsonl"}, {"format", "jsonl"}};
  writeFile(env.at("inbox/a.jsonl"), "{\"n\":1}\n");
  json last;
  {
    auto source = openSource(env, options);
    ASSERT_TRUE(source->open(nullptr).ok());
    const auto pages = readAllPages(*source);
    ASSERT_EQ(recordsOf(pages).size(), 1u);
    last = pages.back().progress;
    ASSERT_TRUE(source->committed(last).ok());
  }
  EXPECT_EQ(listDirectory(env.at("inbox")), std::vector<std::string>{"a.jsonl"});
  const json memory = json::parse(readFile(env.state + "/files/price-files.json"));
  EXPECT_EQ(memory["files"], json({{"inbox/a.jsonl", 8}}));
  {
    auto source = openSource(env, options);
    ASSERT_TRUE(source->open(last).ok());
    EXPECT_TRUE(readAllPages(*source).empty());
  }
  writeFile(env.at("inbox/a.jsonl"), "{\"n\":1}\n{\"n\":2}\n");
  auto source = openSource(env, options);
  ASSERT_TRUE(source->open(last).ok());
  EXPECT_EQ(recordsOf(readAllPages(*source)).size(), 2u);
}

TEST(FileSourceTest, MalformedLinesAreFailuresWithFileAndLineAndTheRestIsRead) {
  Env env;
  writeFile(env.at("inbox/a.csv"),
            "id,name\n1,one\n2,\"unclosed\" x\n3,three\n4\n5,five\n6,si\"x\n7,seven\n");
  auto source = openSource(env, kCsvArchived, 4);
  ASSERT_TRUE(source->open(nullptr).ok());
  const auto pages = readAllPages(*source);
  std::vector<std::string> failures;
  for (const auto& page : pages) {
    for (const auto& f : page.failures) failures.push_back(f.message);
  }
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_EQ(failures[0].rfind("inbox/a.csv:3: text after the closing quote", 0), 0u) << failures[0];
  EXPECT_EQ(failures[1], "inbox/a.csv:5: wrong number of fields: 1, expected 2");
  EXPECT_EQ(failures[2], "inbox/a.csv:7: quote in an unquoted field (column 5)");
  const auto records = recordsOf(pages);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[3], json({{"id", "7"}, {"name", "seven"}}));
  // Failure indexes say where in its page the bad record was.
  EXPECT_EQ(pages[0].failures[0].index, 1u);
}

TEST(FileSourceTest, ByteOrderMarkIsNotPartOfTheFirstColumnName) {
  Env env;
  writeFile(env.at("inbox/bom.csv"), "\xEF\xBB\xBFsku;price\r\nA-1;9,90\r\n");
  json options = kCsvArchived;
  options["csv"] = {{"delimiter", ";"}, {"quote", "\""}, {"header", true}};
  auto source = openSource(env, options);
  ASSERT_TRUE(source->open(nullptr).ok());
  EXPECT_EQ(recordsOf(readAllPages(*source)),
            std::vector<json>{json({{"sku", "A-1"}, {"price", "9,90"}})});
}

TEST(FileSourceTest, SymlinkLeadingOutOfTheRootIsRefused) {
  Env env;
  writeFile(env.dir.path() + "/outside/secret.csv", csvRows("s", 1));
  ASSERT_EQ(
      ::symlink((env.dir.path() + "/outside/secret.csv").c_str(), env.at("inbox/link.csv").c_str()),
      0);
  auto source = openSource(env, kCsvArchived);
  const Outcome outcome = source->open(nullptr);
  ASSERT_TRUE(outcome.fatal());
  EXPECT_EQ(outcome.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(outcome.status.message().find("\"inbox/link.csv\" leads outside root"),
            std::string::npos)
      << outcome.status.message();

  std::filesystem::remove(env.at("inbox/link.csv"));
  std::filesystem::create_directory_symlink(env.dir.path() + "/outside", env.at("elsewhere"));
  auto viaDirectory = openSource(env, {{"path", "elsewhere/*.csv"}, {"format", "csv"}});
  const Outcome refused = viaDirectory->open(nullptr);
  EXPECT_EQ(refused.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status.message().find("directory \"elsewhere\" leads outside root"),
            std::string::npos)
      << refused.status.message();
}

TEST(FileSourceTest, FileReplacedUnderTheSameNameIsReadFromTheStart) {
  Env env;
  writeFile(env.at("inbox/a.csv"), csvRows("old", 4));
  json midway;
  {
    auto source = openSource(env, kCsvArchived, 2);
    ASSERT_TRUE(source->open(nullptr).ok());
    std::optional<ExportPage> page;
    ASSERT_TRUE(source->next(page).ok());
    midway = page->progress;
  }
  // Written elsewhere, then renamed over it (the old file's inode cannot be reused).
  writeFile(env.dir.path() + "/tmp.csv", csvRows("new", 4));
  std::filesystem::rename(env.dir.path() + "/tmp.csv", env.at("inbox/a.csv"));
  auto source = openSource(env, kCsvArchived, 2);
  ASSERT_TRUE(source->open(midway).ok());
  const auto records = recordsOf(readAllPages(*source));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0]["id"], "new1");
}

TEST(FileSourceTest, FileGrownAfterItWasReadIsNotArchived) {
  Env env;
  writeFile(env.at("inbox/a.jsonl"), "{\"n\":1}\n");
  auto source =
      openSource(env, {{"path", "inbox/*.jsonl"}, {"format", "jsonl"}, {"archive", "done"}});
  ASSERT_TRUE(source->open(nullptr).ok());
  const auto pages = readAllPages(*source);
  ASSERT_EQ(pages.size(), 1u);
  {
    std::ofstream more(env.at("inbox/a.jsonl"), std::ios::app);
    more << "{\"n\":2}\n";
  }
  ASSERT_TRUE(source->committed(pages.back().progress).ok());
  EXPECT_EQ(listDirectory(env.at("inbox")), std::vector<std::string>{"a.jsonl"});
}

TEST(FileSourceTest, EmptyFileIsOneEmptyDonePage) {
  Env env;
  writeFile(env.at("inbox/empty.csv"), "");
  auto source = openSource(env, kCsvArchived);
  ASSERT_TRUE(source->open(nullptr).ok());
  const auto pages = readAllPages(*source);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_TRUE(pages[0].records.empty());
  EXPECT_EQ(pages[0].progress["done"], true);
  ASSERT_TRUE(source->committed(pages[0].progress).ok());
  EXPECT_EQ(listDirectory(env.at("archive")), std::vector<std::string>{"empty.csv"});
}

TEST(FileSourceTest, MissingDirectoryAndBadProgressAreClearErrors) {
  Env env;
  auto source = openSource(env, {{"path", "nowhere/*.csv"}, {"format", "csv"}, {"archive", "a"}});
  const Outcome missing = source->open(nullptr);
  EXPECT_EQ(missing.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status.message().find("directory \"nowhere\" does not exist"),
            std::string::npos)
      << missing.status.message();
  auto other = openSource(env, kCsvArchived);
  const Outcome bad = other->open(json{{"since", "2026-01-01"}});
  EXPECT_EQ(bad.status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(bad.status.message().find("is not a file position"), std::string::npos);
}

TEST(FileSourceTest, ConnectorImplOpensSourcesAndDestinations) {
  Env env;
  const ConnectorImpl file = fileConnectorImpl();
  const ConnectorImpl* impl = &file;
  EXPECT_EQ(impl->type, "file");
  EXPECT_FALSE(impl->openLookup);
  ConnectorContext context;
  context.stateDir = env.state;
  auto source = impl->openSource(connection(env.root), fileExport(kCsvArchived), context);
  ASSERT_TRUE(source.isOk()) << source.status().toString();
  writeFile(env.at("inbox/a.csv"), csvRows("a", 1));
  ASSERT_TRUE((*source)->open(nullptr).ok());
  EXPECT_EQ(recordsOf(readAllPages(**source)).size(), 1u);
  auto destination = impl->openDestination(
      connection(env.root), fileImport({{"path", "out/o.jsonl"}, {"format", "jsonl"}}), context);
  ASSERT_TRUE(destination.isOk()) << destination.status().toString();
  EXPECT_TRUE((*destination)->write({}, {json{{"a", 1}}}).outcome.ok());
  EXPECT_EQ(readFile(env.at("out/o.jsonl")), "{\"a\":1}\n");
}

}  // namespace
}  // namespace ferry::agent::connectors::file
