#include "credence/codec/base64url.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "vectors.h"

namespace credence::codec {
namespace {

TEST(Base64url, Vectors) {
  auto cases = test::load_vectors("codec/base64url.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const Bytes bytes = c.hex("bytes");
    const std::string text = c.str("text");
    EXPECT_EQ(base64url_encode(bytes), text);
    auto decoded = base64url_decode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64url, InvalidVectors) {
  auto cases = test::load_vectors("codec/base64url_invalid.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    auto decoded = base64url_decode(c.str("text"));
    EXPECT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), c.str("reason"));
  }
}

RC_GTEST_PROP(Base64url, RoundTrip, (const std::vector<std::uint8_t>& data)) {
  const auto text = base64url_encode(data);
  RC_ASSERT(text.find('=') == std::string::npos);
  RC_ASSERT(*base64url_decode(text) == data);
}

}  // namespace
}  // namespace credence::codec
