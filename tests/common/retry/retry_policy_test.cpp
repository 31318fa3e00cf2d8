#include "common/retry/retry_policy.h"

#include <gtest/gtest.h>

namespace ferry::retry {
namespace {

using std::chrono::milliseconds;

RetryPolicy fixed(double u, RetryPolicy::Options o = {}) {
  return RetryPolicy(o, [u] { return u; });
}

TEST(RetryPolicyTest, CeilingGrowsExponentiallyUpToTheCap) {
  RetryPolicy::Options o;
  o.initialDelay = milliseconds(100);
  o.maxDelay = milliseconds(1000);
  auto p = fixed(0.5, o);
  EXPECT_EQ(p.ceiling(0), milliseconds(100));
  EXPECT_EQ(p.ceiling(1), milliseconds(200));
  EXPECT_EQ(p.ceiling(3), milliseconds(800));
  EXPECT_EQ(p.ceiling(4), milliseconds(1000));
  EXPECT_EQ(p.ceiling(10000), milliseconds(1000));  // no overflow
}

TEST(RetryPolicyTest, FullJitterSpansZeroToCeiling) {
  RetryPolicy::Options o;
  o.initialDelay = milliseconds(100);
  EXPECT_EQ(fixed(0.0, o).delay(2), milliseconds(0));
  EXPECT_EQ(fixed(0.5, o).delay(2), milliseconds(200));
  EXPECT_EQ(fixed(0.999, o).delay(2), milliseconds(399));
}

TEST(RetryPolicyTest, HintIsAFloorAndIsClamped) {
  RetryPolicy::Options o;
  o.initialDelay = milliseconds(100);
  o.maxHint = milliseconds(60000);
  EXPECT_EQ(fixed(0.1, o).delay(0, milliseconds(5000)), milliseconds(5000));
  EXPECT_EQ(fixed(0.9, o).delay(0, milliseconds(10)), milliseconds(90));
  EXPECT_EQ(fixed(0.1, o).delay(0, milliseconds(86400000)), milliseconds(60000));
}

TEST(RetryPolicyTest, AttemptsAreBounded) {
  RetryPolicy::Options o;
  o.maxAttempts = 3;
  auto p = fixed(0.5, o);
  EXPECT_TRUE(p.delay(2).has_value());
  EXPECT_FALSE(p.delay(3).has_value());
}

TEST(RetryPolicyTest, SystemRandomStaysInRange) {
  auto random = systemUnitRandom();
  double lo = 1, hi = 0;
  for (int i = 0; i < 1000; ++i) {
    double u = random();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  EXPECT_LT(lo, 0.1);  // 1000 draws: failing either bound has probability ~1e-46
  EXPECT_GT(hi, 0.9);
}

}  // namespace
}  // namespace ferry::retry
