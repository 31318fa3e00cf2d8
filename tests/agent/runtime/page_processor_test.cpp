// PageProcessor's two halves (steps, then imports) with a fake destination: the error of a
// row the destination refuses carries the record as it entered the import step, a retried
// write starts over from the prepared page, and a page the destination already holds is
// not counted as written again.
#include "agent/runtime/page_processor.h"

#include <gtest/gtest.h>

#include "common/model/definitions.h"

namespace ferry::agent::runtime {
namespace {

using json = ferry::Json;

// Refuses rows whose id is in `refused`; reports pages listed in `held` as already written.
class FakeDestination final : public connectors::Destination {
 public:
  FakeDestination(std::vector<int> refused, std::vector<std::uint64_t> held)
      : refused_(std::move(refused)), held_(std::move(held)) {}
  connectors::PageWrite write(const connectors::PageId& page,
                              const std::vector<json>& rows) override {
    connectors::PageWrite out;
    ++calls;
    if (std::find(held_.begin(), held_.end(), page.seq) != held_.end()) {
      out.alreadyWritten = true;
      return out;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (std::find(refused_.begin(), refused_.end(), rows[i]["id"].get<int>()) != refused_.end()) {
        out.failures.push_back({i, "refused by the fake"});
      } else {
        written.push_back(rows[i]);
      }
    }
    return out;
  }
  std::vector<connectors::PageWrite> writePages(
      const std::vector<connectors::PageRows>& pages) override {
    batches.push_back(pages.size());
    if (failBatches > 0) {
      --failBatches;
      return {connectors::PageWrite{
          connectors::Outcome(Status::unavailable("fake outage")), {}, false}};
    }
    return Destination::writePages(pages);
  }
  int calls = 0;
  int failBatches = 0;  // the next this many batches fail on their first page
  std::vector<json> written;
  std::vector<std::size_t> batches;  // pages per writePages call

 private:
  std::vector<int> refused_;
  std::vector<std::uint64_t> held_;
};

model::Definitions definitions() {
  const json defs = {
      {"resources",
       {{{"kind", "connection"}, {"id", "db"}, {"type", "sqlite"}, {"settings", {{"path", "x"}}}},
        {{"kind", "export"},
         {"id", "e"},
         {"connection", "db"},
         {"type", "query"},
         {"query", "SELECT 1"}},
        {{"kind", "import"},
         {"id", "out"},
         {"connection", "db"},
         {"type", "table"},
         {"table", "t"},
         {"mode", "insert"}},
        {{"kind", "flow"},
         {"id", "f"},
         {"sources", {"e"}},
         {"steps",
          {{{"filter", {{"!=", {{{"var", "skip"}}, true}}}}},
           {{"map", {{{"from", "id"}, {"to", "id"}}, {{"from", "name"}, {"to", "label"}}}}},
           {{"import", "out"}}}}}}}};
  auto parsed = model::parseDefinitions(defs);
  EXPECT_TRUE(parsed.isOk()) << parsed.status().message();
  return std::move(*parsed);
}

std::shared_ptr<const std::vector<json>> page() {
  return std::make_shared<const std::vector<json>>(std::vector<json>{
      {{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}, {{"id", 3}, {"skip", true}}});
}

struct Fixture {
  model::Definitions defs = definitions();
  FakeDestination* destination = nullptr;
  std::unique_ptr<PageProcessor> processor;

  Fixture(std::vector<int> refused, std::vector<std::uint64_t> held) {
    PageProcessor::Connectors connectors;
    auto fake = std::make_unique<FakeDestination>(std::move(refused), std::move(held));
    destination = fake.get();
    connectors.imports["out"] = std::move(fake);
    auto created = PageProcessor::create(defs, defs.flows.at(0), std::move(connectors));
    EXPECT_TRUE(created.isOk());
    processor = std::move(*created);
  }
};

TEST(PageProcessorTest, ARefusedRowReportsTheRecordAsItEnteredTheImport) {
  Fixture f({2}, {});
  connectors::PageId id{"q", "f", "", "e", 7};
  PreparedPage prepared = f.processor->prepare(id, page());
  ASSERT_TRUE(prepared.result.outcome.ok());
  EXPECT_EQ(prepared.result.counts.filtered, 1u);
  PageResult result = f.processor->write(prepared);
  ASSERT_TRUE(result.outcome.ok());
  EXPECT_EQ(result.counts.read, 3u);
  EXPECT_EQ(result.counts.written, 1u);
  EXPECT_EQ(result.counts.failed, 1u);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].recordIndex, 1u);
  EXPECT_EQ(result.errors[0].step, "import out");
  EXPECT_EQ(result.errors[0].stepIndex, 2u);
  EXPECT_EQ(result.errors[0].record, json({{"id", 2}, {"label", "b"}}));  // mapped, not raw
  EXPECT_EQ(f.destination->written, std::vector<json>{json({{"id", 1}, {"label", "a"}})});

  // A second write of the same prepared page (a retry) starts over: same counts, not more.
  PageResult again = f.processor->write(prepared);
  EXPECT_EQ(again.counts.written, 1u);
  EXPECT_EQ(again.counts.failed, 1u);
  EXPECT_EQ(again.errors.size(), 1u);
  EXPECT_EQ(f.destination->calls, 2);
}

TEST(PageProcessorTest, APageTheDestinationHoldsIsNotCountedAsWrittenAgain) {
  Fixture f({}, {7});
  PageResult result = f.processor->process({"q", "f", "", "e", 7}, *page());
  ASSERT_TRUE(result.outcome.ok());
  EXPECT_EQ(result.counts.read, 3u);
  EXPECT_EQ(result.counts.written, 0u);
  EXPECT_EQ(result.counts.failed, 0u);
  PageResult next = f.processor->process({"q", "f", "", "e", 8}, *page());
  EXPECT_EQ(next.counts.written, 2u);
}

TEST(PageProcessorTest, PagesWrittenAsOneBatchKeepTheirOwnCountsAndErrors) {
  Fixture f({1}, {8});
  PreparedPage p7 = f.processor->prepare({"q", "f", "", "e", 7}, page());
  PreparedPage p8 = f.processor->prepare({"q", "f", "", "e", 8}, page());
  PreparedPage p9 = f.processor->prepare({"q", "f", "", "e", 9}, page());
  f.destination->failBatches = 1;
  std::vector<PageResult> failed = f.processor->write({&p7, &p8, &p9});
  ASSERT_EQ(failed.size(), 3u);
  EXPECT_FALSE(failed[0].outcome.ok());  // the caller writes the whole batch again
  EXPECT_NE(failed[0].outcome.status.message().find("fake outage"), std::string::npos);

  std::vector<PageResult> results = f.processor->write({&p7, &p8, &p9});
  EXPECT_EQ(f.destination->batches, (std::vector<std::size_t>{3, 3}));  // one call per batch
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    ASSERT_TRUE(r.outcome.ok());
    EXPECT_EQ(r.counts.read, 3u);
    EXPECT_EQ(r.counts.filtered, 1u);
  }
  // Page 8 is held already: not counted again. Pages 7 and 9 each lose record 0 (id 1).
  EXPECT_EQ(results[0].counts.written, 1u);
  EXPECT_EQ(results[1].counts.written, 0u);
  EXPECT_EQ(results[2].counts.written, 1u);
  for (std::size_t p : {0u, 2u}) {
    ASSERT_EQ(results[p].errors.size(), 1u);
    EXPECT_EQ(results[p].errors[0].recordIndex, 0u);
    EXPECT_EQ(results[p].errors[0].record, json({{"id", 1}, {"label", "a"}}));
  }
  EXPECT_TRUE(results[1].errors.empty());
  EXPECT_EQ(f.destination->written,
            (std::vector<json>{{{"id", 2}, {"label", "b"}}, {{"id", 2}, {"label", "b"}}}));
}

}  // namespace
}  // namespace ferry::agent::runtime
