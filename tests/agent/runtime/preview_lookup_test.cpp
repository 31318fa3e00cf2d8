// `ferry-agent preview` fetches lookup rows for real (after the steps before the lookup),
// writes nothing, and a lookup whose database is missing shows as skipped.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sstream>

#include "common/json/json.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;

json definitions(const std::string& crm, const std::string& dwh) {
  return {
      {"resources",
       {{{"kind", "connection"}, {"id", "crm"}, {"type", "sqlite"}, {"settings", {{"path", crm}}}},
        {{"kind", "connection"}, {"id", "dwh"}, {"type", "sqlite"}, {"settings", {{"path", dwh}}}},
        {{"kind", "export"},
         {"id", "orders"},
         {"connection", "crm"},
         {"type", "query"},
         {"query", "SELECT 1 AS id"}},
        {{"kind", "lookup"},
         {"id", "customer"},
         {"connection", "crm"},
         {"table", "customers"},
         {"match", {{"id", "cust"}}},
         {"fields", {"name"}},
         {"into", "customer"}},
        {{"kind", "import"},
         {"id", "out"},
         {"connection", "dwh"},
         {"type", "table"},
         {"table", "orders"}},
        {{"kind", "flow"},
         {"id", "f"},
         {"sources", {"orders"}},
         {"steps",
          {{{"map", {{{"from", "id"}, {"to", "id"}}, {{"from", "customer_id"}, {"to", "cust"}}}}},
           {{"lookup", "customer"}},
           {{"import", "out"}}}}}}}};
}

TEST(PreviewLookupTest, FetchesRowsForRealAndWritesNothing) {
  testing::TempDir dir;
  const std::string crm = dir.file("crm.db");
  testing::sqliteExec(crm,
                      "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);"
                      "INSERT INTO customers VALUES (7, 'ACME');");
  const std::string dwh = dir.file("dwh.db");
  const std::string file = dir.write("defs.json", definitions(crm, dwh).dump());
  auto r = testing::runProcess(
      {FERRY_AGENT_BIN, "preview", file, "--flow", "f", "--state", dir.file("state")},
      "{\"id\": 1, \"customer_id\": 7}\n{\"id\": 2, \"customer_id\": 8}\n");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::vector<json> out;
  while (std::getline(lines, line)) out.push_back(json::parse(line));
  ASSERT_EQ(out.size(), 2u) << r.out;
  // The lookup matched on the mapped field `cust`, not on the input's `customer_id`.
  EXPECT_EQ(out[0]["output"]["customer"], (json{{"name", "ACME"}}));
  EXPECT_EQ(out[0]["imports"]["out"]["customer"]["name"], "ACME");
  EXPECT_TRUE(out[1]["output"]["customer"].is_null());
  EXPECT_FALSE(out[0].contains("lookups"));
  EXPECT_FALSE(std::filesystem::exists(dwh)) << "preview wrote to the destination";

  // A lookup whose database does not exist is skipped (and not created).
  const std::string missing = dir.file("missing.db");
  const std::string other = dir.write("other.json", definitions(missing, dwh).dump());
  auto s = testing::runProcess({FERRY_AGENT_BIN, "preview", other, "--flow", "f"},
                               "{\"id\": 1, \"customer_id\": 7}\n");
  ASSERT_EQ(s.exitCode, 0) << s.err;
  EXPECT_EQ(json::parse(s.out)["lookups"]["customer"], "skipped") << s.out;
  EXPECT_NE(s.err.find("no SQLite database at"), std::string::npos) << s.err;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

}  // namespace
}  // namespace ferry
