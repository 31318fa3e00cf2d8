#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json/json.h"

namespace ferry::json {
namespace {

// ferry::Json must behave as nlohmann::json (std::map objects) does, apart from reference
// stability: the same operations give the same dumps, comparisons and lookups.

using Reference = nlohmann::json;
using Ferry = ferry::Json;

std::string keyFrom(std::mt19937& rng) {
  static const std::vector<std::string> kKeys = {
      "", "a", "b", "id", "name", "z", "é", "a.b", "items", "AA", "ab", std::string("a\0b", 3)};
  std::string key = kKeys[rng() % kKeys.size()];
  if (rng() % 4 == 0) key += std::to_string(rng() % 100);
  return key;
}

// Applies one random edit to both documents at the same place.
template <class J>
void edit(J& doc, std::mt19937 rng, int depth) {
  const std::string key = keyFrom(rng);
  switch (rng() % 6) {
    case 0: doc[key] = static_cast<int>(rng() % 1000); break;
    case 1: doc[key] = "text " + key; break;
    case 2: doc.erase(key); break;
    case 3:
      if (depth < 3) {
        J child = J::object();
        for (int i = 0; i < 3; ++i) edit(child, std::mt19937(rng() + i), depth + 1);
        doc[key] = std::move(child);
      }
      break;
    case 4: doc.update(J{{key, nullptr}, {"b", depth}}); break;
    default: doc.emplace(key, J::array({depth, key})); break;
  }
}

TEST(SortedMembers, RandomEditsGiveTheSameDocumentsAsStdMapObjects) {
  std::mt19937 seeds(20261201);
  for (int round = 0; round < 200; ++round) {
    Reference expected = Reference::object();
    Ferry actual = Ferry::object();
    for (int step = 0; step < 40; ++step) {
      const auto seed = seeds();
      edit(expected, std::mt19937(seed), 0);
      edit(actual, std::mt19937(seed), 0);
    }
    ASSERT_EQ(actual.dump(), expected.dump()) << "round " << round;
    ASSERT_EQ(Ferry::parse(expected.dump()), actual) << "round " << round;
    // Iteration is in key order, as std::map's is.
    std::vector<std::string> keys;
    for (const auto& [k, v] : actual.items()) keys.push_back(k);
    EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
    EXPECT_EQ(keys.size(), expected.size());
  }
}

TEST(SortedMembers, LooksUpByStringViewAndCharPointerWithoutAKeyCopy) {
  Ferry doc = Ferry::parse(R"({"zeta": 1, "alpha": 2, "mid": {"x": true}})");
  const std::string_view mid = "mid";
  EXPECT_TRUE(doc.contains(mid));
  EXPECT_EQ(doc.find(std::string_view("alpha")).value(), 2);
  EXPECT_EQ(doc.count("zeta"), 1u);
  EXPECT_EQ(doc.count("zet"), 0u);
  EXPECT_EQ(doc.value("missing", 7), 7);
  EXPECT_EQ(doc.at("mid").at("x"), true);
  EXPECT_THROW((void)doc.at("nope"), Ferry::out_of_range);
  EXPECT_EQ(doc.erase(std::string_view("alpha")), 1u);
  EXPECT_EQ(doc.erase("alpha"), 0u);
  EXPECT_EQ(doc.dump(), R"({"mid":{"x":true},"zeta":1})");
}

TEST(SortedMembers, EqualityAndOrderIgnoreInsertionOrder) {
  Ferry a = Ferry::object();
  a["b"] = 1;
  a["a"] = 2;
  Ferry b = {{"a", 2}, {"b", 1}};
  EXPECT_EQ(a, b);
  Ferry c = {{"a", 2}, {"b", 2}};
  EXPECT_NE(a, c);
  EXPECT_LT(a, c);
  EXPECT_EQ(Reference::parse(a.dump()) < Reference::parse(c.dump()), a < c);
}

TEST(SortedMembers, AHintOutOfOrderStillKeepsTheMembersSortedAndUnique) {
  Ferry doc = Ferry::object();
  auto& members = doc.get_ref<Ferry::object_t&>();
  members.reserve(4);
  members.emplace_hint(members.end(), "b", 1);
  members.emplace_hint(members.end(), "d", 2);
  members.emplace_hint(members.end(), "a", 3);  // not last: an ordinary insert
  members.emplace_hint(members.end(), "d", 4);  // present: left as it was
  EXPECT_EQ(doc.dump(), R"({"a":3,"b":1,"d":2})");
}

TEST(SortedMembers, ConvertsFromAndToStandardMaps) {
  const std::map<std::string, int> in = {{"x", 1}, {"a", 2}};
  Ferry doc = in;
  EXPECT_EQ(doc.dump(), R"({"a":2,"x":1})");
  const auto out = doc.get<std::map<std::string, int>>();
  EXPECT_EQ(out, in);
}

}  // namespace
}  // namespace ferry::json
