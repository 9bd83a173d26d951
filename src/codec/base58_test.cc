#include "credence/codec/base58.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "vectors.h"

namespace credence::codec {
namespace {

TEST(Base58, BitcoinVectors) {
  auto cases = test::load_vectors("codec/base58.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const Bytes bytes = c.hex("bytes");
    const std::string text = c.str("text");
    EXPECT_EQ(base58_encode(bytes), text);
    auto decoded = base58_decode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base58, InvalidVectors) {
  auto cases = test::load_vectors("codec/base58_invalid.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    auto decoded = base58_decode(c.str("text"));
    EXPECT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), c.str("reason"));
  }
}

TEST(Base58, BoundsInputLength) {
  EXPECT_EQ(base58_decode(std::string(kMaxBase58Input + 1, '2')).status().code(), "too_long");
  EXPECT_TRUE(base58_decode(std::string(kMaxBase58Input, '1')).ok());
}

RC_GTEST_PROP(Base58, RoundTrip, (const std::vector<std::uint8_t>& data)) {
  RC_ASSERT(*base58_decode(base58_encode(data)) == data);
}

}  // namespace
}  // namespace credence::codec
