#include "controller/api/router.h"

#include <gtest/gtest.h>

namespace ferry::controller::api {
namespace {

http::HttpResponse answer(int status) {
  http::HttpResponse r;
  r.status = status;
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/api/v1/errors/{id}", [](const ApiRequest&) { return answer(1); });
    router_.add("POST", "/api/v1/errors/retry", [](const ApiRequest&) { return answer(2); });
    router_.add("GET", "/api/v1/resources/{kind}/{id}",
                [](const ApiRequest&) { return answer(3); });
    router_.add("PUT", "/api/v1/resources/{kind}/{id}",
                [](const ApiRequest&) { return answer(4); });
  }
  Router router_;
};

TEST_F(RouterTest, LiteralSegmentsWinOverParameters) {
  auto m = router_.match("POST", "/api/v1/errors/retry");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/errors/retry");
  auto get = router_.match("GET", "/api/v1/errors/retry");
  ASSERT_EQ(get.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(get.params.at("id"), "retry");
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
  auto m = router_.match("PUT", "/api/v1/resources/flow/a%2Fb");
  ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
  EXPECT_EQ(m.params.at("kind"), "flow");
  EXPECT_EQ(m.params.at("id"), "a/b");
  EXPECT_EQ(router_.match("GET", "/api/v1/resources/flow/a%2").kind, Router::Match::Kind::kBadPath);
}

TEST_F(RouterTest, WrongMethodListsWhatThePathAllows) {
  auto m = router_.match("DELETE", "/api/v1/resources/flow/x");
  EXPECT_EQ(m.kind, Router::Match::Kind::kWrongMethod);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "PUT"}));
}

TEST_F(RouterTest, EmptySegmentsAndOtherLengthsDoNotMatch) {
  EXPECT_EQ(router_.match("GET", "/api/v1/errors/").kind, Router::Match::Kind::kNoRoute);
  EXPECT_EQ(router_.match("GET", "/api/v1/errors").kind, Router::Match::Kind::kNoRoute);
  EXPECT_EQ(router_.match("GET", "/api/v1/errors/x/y").kind, Router::Match::Kind::kNoRoute);
}

TEST(QueryStringTest, DecodesPlusAndPercentAndRejectsBadEscapes) {
  std::map<std::string, std::string> out;
  std::string error;
  ASSERT_TRUE(parseQueryString("flow=a+b&state=%66ailed&&empty=", out, error));
  EXPECT_EQ(out.at("flow"), "a b");
  EXPECT_EQ(out.at("state"), "failed");
  EXPECT_EQ(out.at("empty"), "");
  std::map<std::string, std::string> bad;
  EXPECT_FALSE(parseQueryString("x=%g1", bad, error));
  EXPECT_NE(error.find("x=%g1"), std::string::npos);
}

}  // namespace
}  // namespace ferry::controller::api
