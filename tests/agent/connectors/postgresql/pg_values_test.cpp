// COPY text-format values (PostgreSQL docs, "COPY … File Formats: Text Format").
#include "agent/connectors/postgresql/pg_values.h"

#include <gtest/gtest.h>

#include <limits>

namespace ferry::agent::connectors::postgresql {
namespace {

using json = ferry::Json;

std::string copyText(const json& v) {
  std::string out = "|";  // appended to, never replaced
  appendCopyValue(out, v);
  return out.substr(1);
}

TEST(PgValuesTest, CopyTextOfEveryJsonType) {
  EXPECT_EQ(copyText(nullptr), "\\N");
  EXPECT_EQ(copyText(true), "t");
  EXPECT_EQ(copyText(false), "f");
  EXPECT_EQ(copyText(0), "0");
  EXPECT_EQ(copyText(-9223372036854775807LL - 1), "-9223372036854775808");
  EXPECT_EQ(copyText(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
  EXPECT_EQ(copyText(1.5), "1.5");
  EXPECT_EQ(copyText("plain text é"), "plain text é");
  EXPECT_EQ(copyText("tab\there\nline\\slash\rcr"), "tab\\there\\nline\\\\slash\\rcr");
  EXPECT_EQ(copyText("\\"), "\\\\");
  EXPECT_EQ(copyText(""), "");
  EXPECT_EQ(copyText(json{{"a", "x\ty"}}), "{\"a\":\"x\\\\ty\"}");  // JSON text, escaped
}

}  // namespace
}  // namespace ferry::agent::connectors::postgresql
