#include "common/model/query_params.h"

#include <gtest/gtest.h>

namespace ferry::model {
namespace {

std::string names(std::string_view sql) {
  std::string out;
  for (const auto& p : queryParameters(sql)) out += (out.empty() ? "" : ",") + p.name;
  return out;
}

TEST(QueryParamsTest, FindsNamesWithPositions) {
  auto params = queryParameters("SELECT * FROM t WHERE a >= :since AND b = :b_2");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "since");
  EXPECT_EQ(params[0].offset, 27u);
  EXPECT_EQ(params[0].length, 6u);
  EXPECT_EQ(params[1].name, "b_2");
}

TEST(QueryParamsTest, SkipsCastsLiteralsIdentifiersAndComments) {
  EXPECT_EQ(names("SELECT x::text, y::int FROM t WHERE z = :z"), "z");
  EXPECT_EQ(names("SELECT ':a', 'it''s :b', \":c\", `:d` FROM t"), "");
  EXPECT_EQ(names("SELECT 1 -- :a\n, :b /* :c /* :d */ :e */ , :f"), "b,f");
  EXPECT_EQ(names("SELECT $$ :a $$, $tag$ :b $tag$, :c"), "c");
  EXPECT_EQ(names("SELECT a[1:2], :=, : x, :1"), "");
  EXPECT_EQ(names("SELECT :a, :a"), "a,a");
}

TEST(QueryParamsTest, UnterminatedQuotesAndCommentsEndTheScan) {
  EXPECT_EQ(names("SELECT :a, 'open :b"), "a");
  EXPECT_EQ(names("SELECT :a /* open :b"), "a");
  EXPECT_EQ(names("SELECT :a $q$ open :b"), "a");
  EXPECT_EQ(names(":"), "");
}

}  // namespace
}  // namespace ferry::model
