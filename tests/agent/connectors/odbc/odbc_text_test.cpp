#include "agent/connectors/odbc/odbc_text.h"

#include <gtest/gtest.h>

namespace ferry::agent::connectors::odbc {
namespace {

TEST(OdbcText, Utf16RoundTripsEveryPlane) {
  const std::string text = "a ß € 日本 🚀 \U0010FFFF";
  WideString wide = toWide(text);
  EXPECT_EQ(wide.size(), 14u);  // the two astral characters take surrogate pairs
  EXPECT_EQ(toUtf8(wide.data(), wide.size()), text);
}

TEST(OdbcText, MalformedInputBecomesReplacementCharacters) {
  const std::string bad = std::string("a") + char(0xC3) + "b" + char(0xED) + char(0xA0) +
                          char(0x80) + char(0xF0) + char(0x9F);
  WideString wide = toWide(bad);
  EXPECT_EQ(toUtf8(wide.data(), wide.size()), "a\uFFFDb\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
  const SQLWCHAR lone[] = {0xD800, 'x', 0xDC00};
  EXPECT_EQ(toUtf8(lone, 3), "\uFFFDx\uFFFD");
}

TEST(OdbcText, AttributeValuesAreBracedWhenNeeded) {
  EXPECT_EQ(attributeValue("plain"), "plain");
  EXPECT_EQ(attributeValue("a;b"), "{a;b}");
  EXPECT_EQ(attributeValue("x}y"), "{x}}y}");
  EXPECT_EQ(attributeValue(" spaced"), "{ spaced}");
  EXPECT_EQ(attributeValue("k=v"), "{k=v}");
}

TEST(OdbcText, FindsAttributesCaseInsensitivelyOutsideBraces) {
  const std::string s = "Driver={PostgreSQL Unicode};Server=db; fetch = 50;X={a;UID=b}};y};";
  EXPECT_TRUE(hasAttribute(s, "driver"));
  EXPECT_TRUE(hasAttribute(s, "SERVER"));
  EXPECT_TRUE(hasAttribute(s, "Fetch"));
  EXPECT_TRUE(hasAttribute(s, "x"));
  EXPECT_FALSE(hasAttribute(s, "UID"));
  EXPECT_FALSE(hasAttribute(s, "y"));
  EXPECT_FALSE(hasAttribute(s, "Database"));
  EXPECT_TRUE(hasAttribute("DSN=erp", "dsn"));
}

}  // namespace
}  // namespace ferry::agent::connectors::odbc
