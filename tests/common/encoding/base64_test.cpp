#include "common/encoding/base64.h"

#include <gtest/gtest.h>

namespace ferry::encoding {
namespace {

TEST(Base64Test, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64Encode(plain), encoded);
    EXPECT_EQ(base64Decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64Test, UrlAlphabetHasNoPaddingAndRoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    const std::string url = base64Encode(part, Base64::kUrl);
    EXPECT_EQ(url.find_first_of("+/="), std::string::npos) << url;
    EXPECT_EQ(base64Decode(url, Base64::kUrl), std::optional<std::string>(part));
    EXPECT_EQ(base64Decode(base64Encode(part)), std::optional<std::string>(part));
  }
  EXPECT_EQ(base64Encode("\xfb\xff", Base64::kUrl), "-_8");
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, RefusesWhatNoEncoderWrites) {
  EXPECT_FALSE(base64Decode("Zm9v!"));  // outside the alphabet
  EXPECT_FALSE(base64Decode("Zm9"));    // standard needs padding
  EXPECT_FALSE(base64Decode("Zm=v"));   // padding inside
  EXPECT_FALSE(base64Decode("Zh=="));   // stray bits in the last character
  EXPECT_FALSE(base64Decode("-_8", Base64::kStandard));
  EXPECT_FALSE(base64Decode("+/8", Base64::kUrl));
  EXPECT_FALSE(base64Decode("Zg==", Base64::kUrl));   // url form carries no padding
  EXPECT_FALSE(base64Decode("Zm9vY", Base64::kUrl));  // a length no byte count gives
}

}  // namespace
}  // namespace ferry::encoding
