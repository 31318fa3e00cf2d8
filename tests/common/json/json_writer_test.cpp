#include "common/json/json_writer.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <limits>
#include <random>

#include "common/json/json.h"

namespace ferry::json {
namespace {

using json = ferry::Json;

std::string written(const std::function<void(JsonWriter&)>& build) {
  JsonWriter w(4);  // small on purpose: the buffer has to grow
  build(w);
  return w.take();
}

TEST(JsonWriter, NestsObjectsAndArraysWithCommasInPlace) {
  std::string text = written([](JsonWriter& w) {
    w.beginObject();
    w.key("items").beginArray();
    w.beginObject().key("a").integer(1).key("b").null().endObject();
    w.beginObject().endObject();
    w.string("x").integer(-9223372036854775807 - 1);
    w.endArray();
    w.key("empty").beginArray().endArray();
    w.key("n").number(0.5);
    w.endObject();
  });
  EXPECT_EQ(text, R"({"items":[{"a":1,"b":null},{},"x",-9223372036854775808],"empty":[],"n":0.5})");
  EXPECT_TRUE(json::accept(text));
}

TEST(JsonWriter, EscapesLikeNlohmann) {
  const std::string nasty = std::string("quote\" back\\ nl\n tab\t cr\r bs\b ff\f nul") +
                            std::string(1, '\0') + "\x01\x1f end é € 😀";
  std::string text =
      written([&](JsonWriter& w) { w.beginObject().keyText(nasty).string(nasty).endObject(); });
  json expected = {{nasty, nasty}};
  EXPECT_EQ(text, expected.dump());
  EXPECT_EQ(json::parse(text).begin().value(), nasty);
}

TEST(JsonWriter, FindsWhatNeedsEscapingAtEveryPositionOfLongStrings) {
  // The plain-text scan reads eight bytes at a time: each special byte at each offset.
  for (const std::string& special :
       {std::string(1, '"'), std::string(1, '\\'), std::string(1, '\0'), std::string(1, '\x1f'),
        std::string("\x7f"), std::string("é"), std::string("\x80")}) {
    for (std::size_t at = 0; at < 24; ++at) {
      std::string value(24, 'a');
      value.replace(at, 1, special);
      std::string text = written([&](JsonWriter& w) { w.string(value); });
      EXPECT_EQ(text, json(value).dump(-1, ' ', false, json::error_handler_t::replace))
          << "byte " << static_cast<int>(static_cast<unsigned char>(special[0])) << " at " << at;
    }
  }
}

TEST(JsonWriter, ReplacesInvalidUtf8AsOurDumpsDo) {
  // Lone continuation byte, truncated sequence, overlong form, surrogate, above U+10FFFF.
  for (const std::string& bad :
       {std::string("a\x80z"), std::string("a\xE2\x82"), std::string("a\xC0\xAFz"),
        std::string("a\xED\xA0\x80z"), std::string("a\xF4\x90\x80\x80z")}) {
    std::string text = written([&](JsonWriter& w) { w.string(bad); });
    EXPECT_EQ(text, json(bad).dump(-1, ' ', false, json::error_handler_t::replace))
        << "input bytes: " << bad.size();
    EXPECT_TRUE(json::accept(text));
  }
}

TEST(JsonWriter, WritesRfc3339TimesInUtcWithMilliseconds) {
  EXPECT_EQ(written([](JsonWriter& w) { w.isoTime(0); }), R"("1970-01-01T00:00:00.000Z")");
  EXPECT_EQ(written([](JsonWriter& w) { w.isoTime(1798761599999); }),
            R"("2026-12-31T23:59:59.999Z")");
  EXPECT_EQ(written([](JsonWriter& w) { w.isoTime(951782400123); }),
            R"("2000-02-29T00:00:00.123Z")");
  std::string plain;
  appendIsoTime(plain, 1767225600000);
  EXPECT_EQ(plain, "2026-01-01T00:00:00.000Z");
}

TEST(JsonWriter, TimesOnTheSameDayReadLikeTimesComputedAlone) {
  // One writer reuses the date of the day it wrote last; every time must still read as if
  // computed on its own, on either side of midnight and before 1970 too.
  JsonWriter w;
  std::string expected;
  const std::int64_t starts[] = {0, -1, -86'400'000, 1798761599999, 951782400123, -62135596800000};
  w.beginArray();
  expected += '[';
  for (const std::int64_t start : starts) {
    for (const std::int64_t step : {0, 1, 999, 59'999, 3'599'999, 86'399'999, 86'400'000}) {
      for (const std::int64_t at : {start + step, start - step}) {
        w.isoTime(at);
        expected += (expected.size() > 1 ? ",\"" : "\"");
        appendIsoTime(expected, at);
        expected += '"';
      }
    }
  }
  w.endArray();
  expected += ']';
  EXPECT_EQ(w.take(), expected);
}

TEST(JsonWriter, TimesMatchGmtimeAcrossTheRange) {
  // An independent reference (the C library's calendar), every field's digits exercised.
  std::mt19937_64 random(7);
  std::uniform_int_distribution<std::int64_t> ms(0, 4'102'444'800'000);  // 1970 to 2100
  for (int i = 0; i < 20'000; ++i) {
    const std::int64_t at = ms(random);
    const std::time_t seconds = static_cast<std::time_t>(at / 1000);
    std::tm tm{};
    ASSERT_NE(gmtime_r(&seconds, &tm), nullptr);
    char expected[96];  // room for any int the compiler imagines
    std::snprintf(expected, sizeof expected, "\"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ\"",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(at % 1000));
    ASSERT_EQ(written([&](JsonWriter& w) { w.isoTime(at); }), expected) << at;
  }
}

TEST(JsonWriter, ScaledIntegersAreExactDecimals) {
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(500, 3); }), "0.5");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(1000, 3); }), "1");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(1005, 3); }), "1.005");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(-1, 3); }), "-0.001");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(0, 3); }), "0");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(42, 0); }), "42");
  EXPECT_EQ(written([](JsonWriter& w) { w.scaled(std::numeric_limits<std::int64_t>::min(), 3); }),
            "-9223372036854775.808");
  EXPECT_EQ(written([](JsonWriter& w) { w.beginArray().scaled(1, 1).scaled(2, 1).endArray(); }),
            "[0.1,0.2]");
  // Below 100,000 it reads as the shortest form of the double ms / 1000.0 (what durations
  // were written as before), so a client sees the same text (above, where that form
  // turns to 1e+05, the same number).
  for (std::int64_t v = -2'000; v < 100'000'000; v = v < 10'000 ? v + 1 : v * 3 + 7) {
    char shortest[40];
    auto end = std::to_chars(shortest, shortest + sizeof shortest, static_cast<double>(v) / 1000.0);
    ASSERT_EQ(written([&](JsonWriter& w) { w.scaled(v, 3); }),
              std::string(shortest, static_cast<std::size_t>(end.ptr - shortest)))
        << v;
  }
}

TEST(JsonWriter, NumbersRoundTripAndNonFiniteBecomesNull) {
  std::string text = written([](JsonWriter& w) {
    w.beginArray().number(0.1).number(1e300).number(-2.5).number(1.0 / 0.0).endArray();
  });
  json parsed = json::parse(text);
  EXPECT_EQ(parsed[0].get<double>(), 0.1);
  EXPECT_EQ(parsed[1].get<double>(), 1e300);
  EXPECT_EQ(parsed[2].get<double>(), -2.5);
  EXPECT_TRUE(parsed[3].is_null());
}

TEST(JsonWriter, LargeDocumentsSurviveGrowth) {
  JsonWriter w;
  w.beginArray();
  for (int i = 0; i < 5000; ++i) w.string(std::string(static_cast<std::size_t>(i % 97), 'x'));
  w.endArray();
  json parsed = json::parse(w.text());
  ASSERT_EQ(parsed.size(), 5000u);
  EXPECT_EQ(parsed[96].get<std::string>().size(), 96u);
}

TEST(JsonWriter, WholeValuesReadBackAsNlohmannsDumpDoes) {
  const json samples[] = {
      json::parse(R"({"b":[1,-2,3.5,true,false,null,"x"],"a":{"z":{},"y":[]},"c":1e300})"),
      json(100.0),
      json(-0.5),
      json(1e15),
      json(1e-7),
      json(0.1),
      json(123456789.125),
      json(std::numeric_limits<std::uint64_t>::max()),
      json(std::int64_t{-42}),
      json(""),
      json("line\nbreak \"q\" \x01 é"),
      json::array(),
      json::object(),
      json(std::numeric_limits<double>::quiet_NaN())};
  for (const auto& v : samples) {
    JsonWriter w;
    w.value(v);
    const std::string ours = w.take();
    const std::string theirs = v.dump(-1, ' ', false, json::error_handler_t::replace);
    const json back = json::parse(ours);
    EXPECT_EQ(back, json::parse(theirs)) << ours << " vs " << theirs;
    EXPECT_EQ(back.type(), json::parse(theirs).type()) << ours << " vs " << theirs;
  }
  // Invalid UTF-8 inside a value is replaced as nlohmann's replace handler does.
  const json bad = {{"k", std::string("a\xff\xe2\x82z")}};
  const std::string expected = bad.dump(-1, ' ', false, json::error_handler_t::replace);
  JsonWriter w;
  w.value(bad);
  EXPECT_EQ(w.take(), expected);
}

}  // namespace
}  // namespace ferry::json
