// The pure parts of a listener request: the body's records and the auth checks.
#include <gtest/gtest.h>

#include "agent/connectors/listener/listener_auth.h"
#include "agent/connectors/listener/listener_records.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::listener {
namespace {

using json = ferry::Json;

TEST(ListenerBodyTest, AnObjectIsOneRecordAndAnArrayOfObjectsIsOnePerElement) {
  auto one = parseListenerBody(R"({"id":1})");
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  EXPECT_EQ(*one, std::vector<json>{json({{"id", 1}})});
  auto many = parseListenerBody(R"([{"id":1},{"id":2,"x":[1,2]}])");
  ASSERT_TRUE(many.isOk());
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[1]["x"], json({1, 2}));
  auto none = parseListenerBody("[]");
  ASSERT_TRUE(none.isOk());
  EXPECT_TRUE(none->empty());
}

TEST(ListenerBodyTest, MalformedJsonNamesThePosition) {
  auto r = parseListenerBody("{\"id\": 1,\n \"x\": }");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("line 2, column 7"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("at byte 17"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find("json.exception"), std::string::npos);
  EXPECT_FALSE(parseListenerBody("").isOk());
}

TEST(ListenerBodyTest, NonObjectsAreRefusedByKindAndIndex) {
  auto r = parseListenerBody(R"([{"id":1},{"id":2},"three"])");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "element 2 of the array is a string, not an object (a record)");
  r = parseListenerBody("[[1]]");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(), "element 0 of the array is an array, not an object (a record)");
  r = parseListenerBody("42");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().message(),
            "the body is a number; expected an object (one record) or an array of objects");
}

TEST(ListenerBodyTest, NestingIsBounded) {
  auto nested = [](int depth) {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    s += "1";
    for (int i = 0; i < depth; ++i) s += "}";
    return s;
  };
  EXPECT_TRUE(parseListenerBody(nested(kMaxRecordDepth)).isOk());
  auto deep = parseListenerBody(nested(kMaxRecordDepth + 1));
  ASSERT_FALSE(deep.isOk());
  EXPECT_NE(deep.status().message().find("deeper than 128"), std::string::npos);
  // Far past the limit: refused without building (or recursively destroying) the document.
  EXPECT_FALSE(parseListenerBody(nested(200000)).isOk());
}

TEST(ListenerAuthTest, HmacMatchesTheRfc4231Vector) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(ListenerAuthTest, SignatureIsCheckedAgainstTheRawBody) {
  ListenerAuth auth;
  auth.hmacSha256Key = "k3y";
  auth.signatureHeader = "X-Hub-Signature-256";
  const std::string body = R"({"id": 1})";
  const std::string sig = hmacSha256Hex("k3y", body);
  EXPECT_EQ(checkListenerAuth(auth, {{"x-hub-signature-256", sig}}, body), std::nullopt);
  EXPECT_EQ(checkListenerAuth(auth, {{"x-hub-signature-256", "sha256=" + sig}}, body),
            std::nullopt);
  std::string upper = sig;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(checkListenerAuth(auth, {{"x-hub-signature-256", "SHA256=" + upper}}, body),
            std::nullopt);
  // Same JSON, other bytes: the signature covers the raw body, not its meaning.
  EXPECT_NE(checkListenerAuth(auth, {{"x-hub-signature-256", sig}}, R"({"id":1})"), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"x-hub-signature-256", hmacSha256Hex("other", body)}}, body),
            std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"x-hub-signature-256", sig.substr(2)}}, body), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"x-hub-signature-256", "zz" + sig.substr(2)}}, body),
            std::nullopt);
  auto missing = checkListenerAuth(auth, {{"x-signature", sig}}, body);
  ASSERT_TRUE(missing.has_value());
  EXPECT_NE(missing->find("X-Hub-Signature-256 header"), std::string::npos) << *missing;
  EXPECT_EQ(missing->find("k3y"), std::string::npos);
}

TEST(ListenerAuthTest, BearerTokenMustMatchExactly) {
  ListenerAuth auth;
  auth.bearerToken = "tok-123";
  EXPECT_EQ(checkListenerAuth(auth, {{"authorization", "Bearer tok-123"}}, ""), std::nullopt);
  EXPECT_EQ(checkListenerAuth(auth, {{"authorization", "bearer   tok-123 "}}, ""), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"authorization", "Bearer tok-12"}}, ""), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"authorization", "Bearer tok-1234"}}, ""), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {{"authorization", "Basic dG9rLTEyMw=="}}, ""), std::nullopt);
  EXPECT_NE(checkListenerAuth(auth, {}, ""), std::nullopt);
}

TEST(ListenerAuthTest, BothConfiguredMeansBothRequiredAndNeitherMeansOpen) {
  ListenerAuth both;
  both.hmacSha256Key = "k";
  both.bearerToken = "t";
  const std::string sig = hmacSha256Hex("k", "{}");
  EXPECT_EQ(checkListenerAuth(both, {{"x-signature", sig}, {"authorization", "Bearer t"}}, "{}"),
            std::nullopt);
  EXPECT_NE(checkListenerAuth(both, {{"x-signature", sig}}, "{}"), std::nullopt);
  EXPECT_NE(checkListenerAuth(both, {{"authorization", "Bearer t"}}, "{}"), std::nullopt);
  ListenerAuth open;
  EXPECT_TRUE(open.open());
  EXPECT_EQ(checkListenerAuth(open, {}, "{}"), std::nullopt);
}

}  // namespace
}  // namespace ferry::agent::connectors::listener
