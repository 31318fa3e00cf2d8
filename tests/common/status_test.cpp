#include "common/status/result.h"

#include <gtest/gtest.h>

namespace ferry {
namespace {

TEST(StatusTest, OkHasNoMessageAndIsNotRetryable) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_FALSE(s.retryable());
  EXPECT_EQ(s.toString(), "Ok");
}

TEST(StatusTest, CodesTellWhetherToRetry) {
  EXPECT_TRUE(Status::unavailable("x").retryable());
  EXPECT_TRUE(Status::aborted("x").retryable());
  EXPECT_TRUE(Status::resourceExhausted("x").retryable());
  EXPECT_FALSE(Status::invalidArgument("x").retryable());
  EXPECT_FALSE(Status::dataLoss("x").retryable());
  EXPECT_FALSE(Status::failedPrecondition("x").retryable());
}

TEST(StatusTest, ContextIsPrepended) {
  Status s = Status::notFound("no such flow").withContext("run");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "run: no such flow");
  EXPECT_EQ(s.toString(), "NotFound: run: no such flow");
  EXPECT_TRUE(Status::ok().withContext("x").isOk());
}

Status failIf(bool fail) {
  FERRY_RETURN_IF_ERROR(fail ? Status::aborted("stop") : Status::ok());
  return Status::internal("reached the end");
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good(42);
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(*good, 42);
  Result<int> bad(Status::notFound("gone"));
  EXPECT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().message(), "gone");
  EXPECT_EQ(bad.valueOr(7), 7);
  EXPECT_EQ(failIf(true).code(), StatusCode::kAborted);
  EXPECT_EQ(failIf(false).code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace ferry
