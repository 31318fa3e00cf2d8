// The engine-independent SQL connector suite (sql_suite.h). Each test uses its own tables
// on the engine's one server.
#include "tests/agent/connectors/sql/sql_suite.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/transform/record_path.h"

namespace ferry::testing {
namespace {

using agent::connectors::ConnectorContext;
using agent::connectors::Destination;
using agent::connectors::ExportPage;
using agent::connectors::LookupSource;
using agent::connectors::PageId;
using agent::connectors::Source;
using json = ferry::Json;

// A fake secret store (in memory): the suite is about the database, not secret storage.
class FakeSecrets final : public secrets::SecretResolver {
 public:
  std::map<std::string, std::string> values;
  Result<std::string> resolve(const std::string& name) const override {
    auto it = values.find(name);
    if (it == values.end()) return Status::notFound("no secret named " + name);
    return it->second;
  }
};

class SqlSuite : public ::testing::Test {
 protected:
  SqlSuite() : engine_(suiteEngine()) {
    secrets_.values["db-password"] = engine_.password();
    context_.secrets = &secrets_;
  }

  model::Connection connection(json settings = nullptr) const {
    model::Connection c;
    c.id = "db";
    c.type = engine_.impl().type;
    c.settings = settings.is_null() ? engine_.settings() : settings;
    return c;
  }

  std::unique_ptr<Source> source(const std::string& query, int pageSize,
                                 std::optional<model::Delta> delta = std::nullopt) {
    model::Export e;
    e.id = "orders";
    e.connection = "db";
    e.type = "query";
    e.pageSize = pageSize;
    e.delta = std::move(delta);
    e.options = {{"query", query}};
    auto s = engine_.impl().openSource(connection(), e, context_);
    EXPECT_TRUE(s.isOk()) << s.status().toString();
    return s.isOk() ? std::move(*s) : nullptr;
  }

  Result<std::unique_ptr<Destination>> destination(const std::string& table,
                                                   const std::string& mode = "insert",
                                                   std::vector<std::string> key = {}) {
    model::Import i;
    i.id = "to-table";
    i.connection = "db";
    i.type = "table";
    i.options = {{"table", table}, {"mode", mode}};
    if (!key.empty()) i.options["key"] = key;
    return engine_.impl().openDestination(connection(), i, context_);
  }

  std::unique_ptr<Destination> mustDestination(const std::string& table,
                                               const std::string& mode = "insert",
                                               std::vector<std::string> key = {}) {
    auto d = destination(table, mode, std::move(key));
    EXPECT_TRUE(d.isOk()) << d.status().toString();
    return d.isOk() ? std::move(*d) : nullptr;
  }

  // Reads pages until the source ends or `maxPages` were read; returns them.
  std::vector<ExportPage> read(Source& s, const json& progress, std::size_t maxPages = 1000000) {
    std::vector<ExportPage> pages;
    auto opened = s.open(progress);
    EXPECT_TRUE(opened.ok()) << opened.status.toString();
    if (!opened.ok()) return pages;
    while (pages.size() < maxPages) {
      std::optional<ExportPage> page;
      auto got = s.next(page);
      EXPECT_TRUE(got.ok()) << got.status.toString();
      if (!got.ok() || !page) break;
      pages.push_back(std::move(*page));
    }
    return pages;
  }

  std::vector<json> rowsOf(const std::string& sql) {
    auto s = source(sql, 1000);
    std::vector<json> rows;
    for (auto& page : read(*s, nullptr)) {
      for (auto& r : page.records) rows.push_back(std::move(r));
    }
    return rows;
  }

  // Checkpoints are per (queue, flow, import, topic): each test is its own flow.
  PageId page(std::uint64_t seq, const std::string& queueId = "q-1") const {
    return PageId{queueId, table("flow"), "to-table", "orders", seq};
  }

  // A table name per test: the server is shared by the whole binary.
  std::string table(const std::string& suffix) const {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::string initials;
    for (char c : name) {
      if (std::isupper(static_cast<unsigned char>(c))) {
        initials += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    return "t_" + initials + "_" + suffix;
  }

  SqlEngine& engine_;
  FakeSecrets secrets_;
  ConnectorContext context_;
};

TEST_F(SqlSuite, ValuesRoundTripWithFaithfulTypes) {
  const std::string t = table("types");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + ", amount " + engine_.decimalType() + ", flag " +
               engine_.boolType() + ", at " + engine_.timestampType() + ", note " +
               engine_.textType() + ", data " + engine_.binaryType() + ")");
  auto d = mustDestination(t);
  ASSERT_TRUE(d);
  const std::string unicode = "Grüße, 日本語, emoji 🚀, quote ' and \" and \\ tab\t";
  std::vector<json> rows = {{{"id", 9007199254740993LL},  // not representable as a double
                             {"name", unicode},
                             {"amount", "1234567890123456789012345678.1234567890"},
                             {"flag", true},
                             {"at", "2026-03-01T10:00:00Z"},
                             {"note", nullptr}},
                            {{"id", -5},
                             {"name", ""},
                             {"amount", "-0.0000000001"},
                             {"flag", false},
                             {"at", "1999-12-31T23:59:59Z"},
                             {"note", "x"}}};
  auto w = d->write(page(1), rows);
  ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  ASSERT_TRUE(w.failures.empty()) << w.failures[0].message;
  engine_.exec("UPDATE " + t + " SET data = " + engine_.binaryLiteral("00ff10") + " WHERE id = -5");

  auto back = rowsOf("SELECT id, name, amount, flag, at, note, data FROM " + t + " ORDER BY id");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1]["id"], json(9007199254740993LL));
  EXPECT_EQ(back[1]["name"], json(unicode));
  EXPECT_EQ(back[1]["amount"], engine_.decimalReadBack("1234567890123456789012345678.1234567890"));
  EXPECT_EQ(back[1]["flag"], engine_.boolReadBack(true));
  EXPECT_EQ(back[1]["at"], engine_.timestampReadBack("2026-03-01T10:00:00Z"));
  EXPECT_TRUE(back[1]["note"].is_null());
  EXPECT_TRUE(back[1]["data"].is_null());
  EXPECT_EQ(back[0]["id"], json(-5));
  EXPECT_EQ(back[0]["amount"], engine_.decimalReadBack("-0.0000000001"));
  EXPECT_EQ(back[0]["flag"], engine_.boolReadBack(false));
  EXPECT_EQ(back[0]["at"], engine_.timestampReadBack("1999-12-31T23:59:59Z"));
  EXPECT_EQ(back[0]["data"], json("AP8Q"));  // base64 of 00 ff 10
}

TEST_F(SqlSuite, RecordsTakeEveryColumnByNameAndARepeatedNameFromItsLastColumn) {
  const std::string t = table("names");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + ")");
  engine_.exec("INSERT INTO " + t + " (id, name) VALUES (7, 'x')");
  // Columns out of key order, one name twice: assigned in column order, the last one wins.
  auto back = rowsOf("SELECT name AS z, id AS a, name AS dup, id AS dup, name AS m FROM " + t);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], json({{"a", 7}, {"dup", 7}, {"m", "x"}, {"z", "x"}}));
}

void insertSeries(SqlEngine& engine, const std::string& table, int from, int to,
                  const std::string& timestamp, const std::string& pad) {
  constexpr int kPerStatement = 1000;
  for (int start = from; start <= to; start += kPerStatement) {
    std::string sql = "INSERT INTO " + table + " (id, updated_at, pad) VALUES ";
    for (int id = start; id <= std::min(to, start + kPerStatement - 1); ++id) {
      sql +=
          (id == start ? "(" : ", (") + std::to_string(id) + ", " + timestamp + ", '" + pad + "')";
    }
    engine.exec(sql);
  }
}

long maxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST_F(SqlSuite, PagesHundredThousandRowsWithBoundedMemory) {
  const std::string t = table("big");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, updated_at " +
               engine_.timestampType() + ", pad " + engine_.textType() + ")");
  const std::string pad(190, 'p');
  insertSeries(engine_, t, 1, 100000, engine_.timestampLiteral("2026-01-01T00:00:00Z"), pad);

  const long before = maxRssKb();
  auto s = source("SELECT id, pad FROM " + t + " ORDER BY id", 1000);
  ASSERT_TRUE(s);
  ASSERT_TRUE(s->open(nullptr).ok());
  std::int64_t expected = 1;
  std::size_t pages = 0;
  while (true) {
    std::optional<ExportPage> page;
    auto got = s->next(page);
    ASSERT_TRUE(got.ok()) << got.status.toString();
    if (!page) break;
    ++pages;
    ASSERT_LE(page->records.size(), 1000u);
    for (const auto& r : page->records) ASSERT_EQ(r["id"].get<std::int64_t>(), expected++);
  }
  EXPECT_EQ(expected, 100001);
  EXPECT_EQ(pages, 100u);
  // About 20 MB of rows went through. Buffering the whole result (as libpq and psqlODBC do
  // without a cursor) would raise the peak by more than that; streaming holds one page.
  const long growthKb = maxRssKb() - before;
  EXPECT_LT(growthKb, 16 * 1024) << "peak RSS grew by " << growthKb << " KiB";
}

TEST_F(SqlSuite, WatermarkTiesAreNeitherLostNorDoubledAcrossPagesAndRuns) {
  const std::string t = table("ties");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, updated_at " +
               engine_.timestampType() + ", pad " + engine_.textType() + ")");
  const std::string tie = engine_.timestampLiteral("2026-05-01T08:00:00Z");
  insertSeries(engine_, t, 1, 3000, tie, "a");  // 3000 rows share one timestamp
  insertSeries(engine_, t, 3001, 3500, engine_.timestampLiteral("2026-05-01T09:00:00Z"), "b");
  const std::string query =
      "SELECT id, updated_at FROM " + t + " WHERE updated_at >= :since ORDER BY updated_at, id";
  model::Delta delta{"updated_at", "id", "1970-01-01T00:00:00Z"};

  std::multiset<std::int64_t> seen;
  auto collect = [&](const std::vector<ExportPage>& pages) {
    for (const auto& p : pages)
      for (const auto& r : p.records) seen.insert(r["id"].get<std::int64_t>());
  };
  // Run 1 stops after two pages (an agent stopped or killed after committing them): the
  // next run resumes from the second page's progress, inside the tie.
  auto first = source(query, 700, delta);
  auto run1 = read(*first, nullptr, 2);
  ASSERT_EQ(run1.size(), 2u);
  collect(run1);
  const json progress1 = run1.back().progress;
  EXPECT_EQ(progress1["key"], json(1400));
  first.reset();  // the stopped run's read ends with it

  auto second = source(query, 700, delta);
  auto run2 = read(*second, progress1);
  collect(run2);
  ASSERT_FALSE(run2.empty());
  EXPECT_EQ(seen.size(), 3500u);
  for (std::int64_t id = 1; id <= 3500; ++id) ASSERT_EQ(seen.count(id), 1u) << "id " << id;

  // New rows that share the last exported timestamp arrive; the next run gets exactly them.
  insertSeries(engine_, t, 3501, 3800, engine_.timestampLiteral("2026-05-01T09:00:00Z"), "c");
  auto third = source(query, 700, delta);
  auto run3 = read(*third, run2.back().progress);
  std::multiset<std::int64_t> fresh;
  for (const auto& p : run3)
    for (const auto& r : p.records) fresh.insert(r["id"].get<std::int64_t>());
  EXPECT_EQ(fresh.size(), 300u);
  EXPECT_EQ(*fresh.begin(), 3501);
  EXPECT_EQ(*fresh.rbegin(), 3800);

  // Nothing new: nothing read.
  auto fourth = source(query, 700, delta);
  EXPECT_TRUE(read(*fourth, run3.back().progress).empty());
}

TEST_F(SqlSuite, InsertUpdateAndUpsertOnKeys) {
  const std::string t = table("modes");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + " NOT NULL, qty " + engine_.keyType() + ")");
  auto ins = mustDestination(t);
  ASSERT_TRUE(ins);
  auto w1 = ins->write(page(1), {{{"id", 1}, {"name", "one"}, {"qty", 1}},
                                 {{"id", 2}, {"name", "two"}, {"qty", 2}},
                                 {{"id", 3}, {"name", "three"}}});
  ASSERT_TRUE(w1.outcome.ok()) << w1.outcome.status.toString();

  auto ups = mustDestination(t, "upsert", {"id"});
  ASSERT_TRUE(ups);
  auto w2 = ups->write(page(2), {{{"id", 2}, {"name", "TWO"}, {"qty", 20}},
                                 {{"id", 4}, {"name", "four"}, {"qty", 4}},
                                 {{"id", 4}, {"name", "FOUR"}, {"qty", 40}}});
  ASSERT_TRUE(w2.outcome.ok()) << w2.outcome.status.toString();
  EXPECT_TRUE(w2.failures.empty());

  auto upd = mustDestination(t, "update", {"id"});
  ASSERT_TRUE(upd);
  auto w3 = upd->write(page(3), {{{"id", 1}, {"name", "ONE"}},
                                 {{"id", 99}, {"name", "ghost"}},
                                 {{"id", 3}, {"name", "three"}}});  // unchanged values
  ASSERT_TRUE(w3.outcome.ok()) << w3.outcome.status.toString();
  ASSERT_EQ(w3.failures.size(), 1u);
  EXPECT_EQ(w3.failures[0].index, 1u);
  EXPECT_NE(w3.failures[0].message.find("no row with key"), std::string::npos);

  auto rows = rowsOf("SELECT id, name, qty FROM " + t + " ORDER BY id");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (json{{"id", 1}, {"name", "ONE"}, {"qty", 1}}));
  EXPECT_EQ(rows[1], (json{{"id", 2}, {"name", "TWO"}, {"qty", 20}}));
  EXPECT_EQ(rows[2], (json{{"id", 3}, {"name", "three"}, {"qty", nullptr}}));
  EXPECT_EQ(rows[3], (json{{"id", 4}, {"name", "FOUR"}, {"qty", 40}}));
  auto missingKey = ups->write(page(4), {{{"name", "no id"}}});
  ASSERT_TRUE(missingKey.outcome.ok());
  ASSERT_EQ(missingKey.failures.size(), 1u);
  EXPECT_NE(missingKey.failures[0].message.find("key column \"id\""), std::string::npos);
}

TEST_F(SqlSuite, ConstraintViolationsBecomePerRecordErrorsAndTheRestIsWritten) {
  const std::string t = table("constraints");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + " NOT NULL)");
  engine_.exec("INSERT INTO " + t + " (id, name) VALUES (1, 'existing')");
  auto d = mustDestination(t);
  ASSERT_TRUE(d);
  auto w = d->write(page(1), {{{"id", 2}, {"name", "fine"}},
                              {{"id", 1}, {"name", "duplicate key"}},
                              {{"id", 3}, {"name", nullptr}},
                              {{"id", 4}, {"name", "also fine"}},
                              json("not an object")});
  ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  ASSERT_EQ(w.failures.size(), 3u);
  EXPECT_EQ(w.failures[0].index, 1u);
  EXPECT_EQ(w.failures[1].index, 2u);
  EXPECT_EQ(w.failures[2].index, 4u);
  for (const auto& f : w.failures) EXPECT_FALSE(f.message.empty());
  auto rows = rowsOf("SELECT id FROM " + t + " ORDER BY id");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1]["id"], json(2));
  EXPECT_EQ(rows[2]["id"], json(4));
  auto covered = d->checkpoint(page(1));
  ASSERT_TRUE(covered.isOk());
  EXPECT_EQ(covered->value_or(0), 1u);
}

TEST_F(SqlSuite, ValuesAndNamesCannotInjectSql) {
  const std::string t = table("victims");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + ")");
  const std::string evil = "x'); DROP TABLE " + t + "; --";
  auto d = mustDestination(t);
  ASSERT_TRUE(d);
  auto w = d->write(page(1), {{{"id", 1}, {"name", evil}},
                              {{"id", 2}, {"name\"; DROP TABLE " + t + "; --", "v"}}});
  ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  ASSERT_EQ(w.failures.size(), 1u);
  EXPECT_EQ(w.failures[0].index, 1u);
  EXPECT_NE(w.failures[0].message.find("not a valid SQL name"), std::string::npos);

  auto bad = destination(t + "; DROP TABLE " + t);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);

  // :since is bound, never spliced.
  model::Delta delta{"name", "id", evil};
  auto s =
      source("SELECT id, name FROM " + t + " WHERE name >= :since ORDER BY name, id", 10, delta);
  auto pages = read(*s, nullptr);
  ASSERT_EQ(pages.size(), 1u);
  EXPECT_EQ(pages[0].records[0]["name"], json(evil));
  EXPECT_EQ(rowsOf("SELECT id FROM " + t).size(), 1u);  // the table is still there
}

TEST_F(SqlSuite, CheckpointMakesPagesExactlyOnce) {
  const std::string t = table("once");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + ", name " + engine_.textType() +
               ")");  // no key: a second write would double rows
  auto d = mustDestination(t);
  ASSERT_TRUE(d);
  std::vector<json> rows = {{{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}};
  auto w1 = d->write(page(5), rows);
  ASSERT_TRUE(w1.outcome.ok()) << w1.outcome.status.toString();
  EXPECT_FALSE(w1.alreadyWritten);

  // The agent crashed after the destination committed and before the queue did: the page
  // comes again (and so does an older one).
  auto again = mustDestination(t);
  ASSERT_TRUE(again);
  auto w2 = again->write(page(5), rows);
  ASSERT_TRUE(w2.outcome.ok());
  EXPECT_TRUE(w2.alreadyWritten);
  EXPECT_TRUE(again->write(page(4), rows).alreadyWritten);
  EXPECT_EQ(rowsOf("SELECT id FROM " + t).size(), 2u);
  auto cp = again->checkpoint(page(5));
  ASSERT_TRUE(cp.isOk());
  EXPECT_EQ(cp->value_or(0), 5u);

  // Another state directory (queue id) never matches this checkpoint.
  auto w3 = again->write(page(5, "q-2"), rows);
  ASSERT_TRUE(w3.outcome.ok());
  EXPECT_FALSE(w3.alreadyWritten);
  EXPECT_EQ(rowsOf("SELECT id FROM " + t).size(), 4u);
  auto stored = rowsOf("SELECT queue_id, last_seq FROM ferry_checkpoints WHERE flow_id = '" +
                       table("flow") + "' ORDER BY queue_id");
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0], (json{{"queue_id", "q-1"}, {"last_seq", 5}}));
}

TEST_F(SqlSuite, BatchedPagesAreWrittenTogetherWithTheLastPagesCheckpoint) {
  const std::string t = table("batched");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + ", name " + engine_.textType() +
               " NOT NULL)");  // no key: a page written twice would double its rows
  auto d = mustDestination(t);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->write(page(2), {{{"id", 20}, {"name", "b"}}}).outcome.ok());

  // Page 1 is older than the checkpoint, page 3 has a row no table could take.
  const std::vector<json> p1 = {{{"id", 10}, {"name", "a"}}};
  const std::vector<json> p3 = {{{"id", 30}, {"name", "c"}}, json("not an object")};
  const std::vector<json> p4 = {{{"id", 40}, {"name", "d"}}, {{"id", 41}, {"name", "e"}}};
  auto written = d->writePages({{page(1), &p1}, {page(3), &p3}, {page(4), &p4}});
  ASSERT_EQ(written.size(), 3u);
  for (const auto& w : written) ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  EXPECT_TRUE(written[0].alreadyWritten);
  EXPECT_FALSE(written[1].alreadyWritten);
  ASSERT_EQ(written[1].failures.size(), 1u);
  EXPECT_EQ(written[1].failures[0].index, 1u);
  EXPECT_TRUE(written[2].failures.empty());
  EXPECT_EQ(d->checkpoint(page(4))->value_or(0), 4u);

  // The database refuses a row of page 6: each page is written on its own, and only that
  // row fails.
  const std::vector<json> p5 = {{{"id", 50}, {"name", "f"}}};
  const std::vector<json> p6 = {{{"id", 60}, {"name", nullptr}}, {{"id", 61}, {"name", "g"}}};
  written = d->writePages({{page(5), &p5}, {page(6), &p6}});
  ASSERT_EQ(written.size(), 2u);
  for (const auto& w : written) ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
  EXPECT_TRUE(written[0].failures.empty());
  ASSERT_EQ(written[1].failures.size(), 1u);
  EXPECT_EQ(written[1].failures[0].index, 0u);
  EXPECT_EQ(d->checkpoint(page(6))->value_or(0), 6u);

  // The same batch again (the agent died before its offsets were committed): nothing doubles.
  auto again = mustDestination(t);
  ASSERT_TRUE(again);
  written = again->writePages({{page(3), &p3}, {page(4), &p4}, {page(5), &p5}, {page(6), &p6}});
  ASSERT_EQ(written.size(), 4u);
  for (const auto& w : written) EXPECT_TRUE(w.alreadyWritten);
  auto rows = rowsOf("SELECT id FROM " + t + " ORDER BY id");
  std::vector<json> ids;
  for (const auto& r : rows) ids.push_back(r["id"]);
  EXPECT_EQ(ids, (std::vector<json>{20, 30, 40, 41, 50, 61}));

  // Upserts: a key of one page updated by a later page of the same batch ends with the
  // later value, as page-by-page writes would leave it.
  const std::string u = table("batched_upsert");
  engine_.exec("CREATE TABLE " + u + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + ")");
  auto ups = mustDestination(u, "upsert", {"id"});
  ASSERT_TRUE(ups);
  const std::vector<json> u7 = {{{"id", 1}, {"name", "old"}}, {{"id", 2}, {"name", "two"}}};
  const std::vector<json> u8 = {{{"id", 1}, {"name", "new"}}, {{"id", 3}, {"name", "three"}}};
  written = ups->writePages({{page(7), &u7}, {page(8), &u8}});
  ASSERT_EQ(written.size(), 2u);
  for (const auto& w : written) {
    ASSERT_TRUE(w.outcome.ok()) << w.outcome.status.toString();
    EXPECT_TRUE(w.failures.empty());
  }
  EXPECT_EQ(rowsOf("SELECT id, name FROM " + u + " ORDER BY id"),
            (std::vector<json>{{{"id", 1}, {"name", "new"}},
                               {{"id", 2}, {"name", "two"}},
                               {{"id", 3}, {"name", "three"}}}));
}

TEST_F(SqlSuite, LookupMatchesAPagesKeysInOneQueryAndQueryFormPerRecord) {
  const std::string t = table("customers");
  engine_.exec("CREATE TABLE " + t + " (id " + engine_.keyType() + " PRIMARY KEY, name " +
               engine_.textType() + ", tier " + engine_.textType() + ")");
  engine_.exec("INSERT INTO " + t +
               " (id, name, tier) VALUES (1, 'ACME', 'gold'), (2, 'Bolt', "
               "'silver'), (3, 'Crane', 'gold')");
  model::Lookup l;
  l.id = "customer";
  l.connection = "db";
  l.into = "customer";
  l.options = {{"table", t}, {"match", {{"id", "customer_id"}}}, {"fields", {"name", "tier"}}};
  auto lookup = engine_.impl().openLookup(connection(), l, context_);
  ASSERT_TRUE(lookup.isOk()) << lookup.status().toString();
  std::vector<json> records = {{{"customer_id", 1}},
                               {{"customer_id", "2"}},  // text "2" matches 2
                               {{"customer_id", 1}},
                               {{"customer_id", 42}},
                               {{"other", true}}};
  auto fetched = (*lookup)->fetch(records);
  ASSERT_TRUE(fetched.outcome.ok()) << fetched.outcome.status.toString();
  const auto* r0 = fetched.rows->rowsFor("customer", records[0]);
  ASSERT_TRUE(r0 && r0->size() == 1);
  EXPECT_EQ((*r0)[0], (json{{"name", "ACME"}, {"tier", "gold"}}));
  const auto* r1 = fetched.rows->rowsFor("customer", records[1]);
  ASSERT_TRUE(r1 && r1->size() == 1);
  EXPECT_EQ((*r1)[0]["name"], json("Bolt"));
  EXPECT_TRUE(fetched.rows->rowsFor("customer", records[3])->empty());
  EXPECT_TRUE(fetched.rows->rowsFor("customer", records[4])->empty());

  model::Lookup q;
  q.id = "gold";
  q.connection = "db";
  q.into = "peers";
  q.many = true;
  q.options = {{"query", "SELECT name FROM " + t + " WHERE tier = :tier ORDER BY name"},
               {"params", {{"tier", "tier"}}}};
  auto perRecord = engine_.impl().openLookup(connection(), q, context_);
  ASSERT_TRUE(perRecord.isOk()) << perRecord.status().toString();
  std::vector<json> tiers = {{{"tier", "gold"}}, {{"tier", "silver"}}};
  auto got = (*perRecord)->fetch(tiers);
  ASSERT_TRUE(got.outcome.ok()) << got.outcome.status.toString();
  const auto* gold = got.rows->rowsFor("gold", tiers[0]);
  ASSERT_TRUE(gold);
  EXPECT_EQ(*gold, (std::vector<json>{{{"name", "ACME"}}, {{"name", "Crane"}}}));
  EXPECT_EQ(got.rows->rowsFor("gold", tiers[1])->size(), 1u);
}

TEST_F(SqlSuite, AMissingSecretIsNamedAndAnUnreachableServerIsRetryable) {
  // Every engine resolves {"$secret": …} when it opens (SQLite has no password field, but a
  // reference anywhere in the settings is resolved, and a missing one named).
  const bool hasPassword = engine_.settings().contains("password");
  json settings = engine_.settings();
  settings["password"] = {{"$secret", "no-such-secret"}};
  model::Import i;
  i.id = "x";
  i.options = {{"table", "x"}, {"mode", "insert"}};
  auto d = engine_.impl().openDestination(connection(settings), i, context_);
  ASSERT_FALSE(d.isOk());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_NE(d.status().message().find("no-such-secret"), std::string::npos);

  if (hasPassword) {
    json wrong = engine_.settings();
    wrong["password"] = "wrong-password-value";
    auto refused = engine_.impl().openDestination(connection(wrong), i, context_);
    ASSERT_FALSE(refused.isOk());
    EXPECT_EQ(refused.status().message().find("wrong-password-value"), std::string::npos)
        << refused.status().message();
  }

  json nowhere = engine_.unreachableSettings();
  if (nowhere.is_null()) return;
  auto down = engine_.impl().openDestination(connection(nowhere), i, context_);
  ASSERT_FALSE(down.isOk());
  EXPECT_TRUE(down.status().retryable()) << down.status().toString();
}

}  // namespace
}  // namespace ferry::testing
