#include "credence/codec/multibase.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "vectors.h"

namespace credence::codec {
namespace {

TEST(Multibase, Vectors) {
  auto cases = test::load_vectors("codec/multibase.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const Bytes bytes = c.hex("bytes");
    const std::string text = c.str("encoding");
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(multibase_encode(static_cast<Multibase>(text[0]), bytes), text);
    auto decoded = multibase_decode(text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().to_string();
    EXPECT_EQ(decoded->data, bytes);
    EXPECT_EQ(static_cast<char>(decoded->base), text[0]);
  }
}

TEST(Multibase, RejectsUnknownAndMalformed) {
  EXPECT_EQ(multibase_decode("").status().code(), "bad_multibase");
  EXPECT_EQ(multibase_decode("Qabc").status().code(), "unknown_multibase");
  EXPECT_EQ(multibase_decode("z0OIl").status().code(), "bad_multibase");
  EXPECT_EQ(multibase_decode("fABCD").status().code(), "bad_multibase");  // uppercase under lowercase 'f'
  EXPECT_EQ(multibase_decode("Fabcd").status().code(), "bad_multibase");
  EXPECT_EQ(multibase_decode("uZm9v=").status().code(), "bad_multibase");
  EXPECT_EQ(multibase_decode("m+/8=").status().code(), "bad_multibase");
}

RC_GTEST_PROP(Multibase, RoundTripEveryBase, (const std::vector<std::uint8_t>& data)) {
  for (auto base : {Multibase::base58btc, Multibase::base64url, Multibase::base16, Multibase::base16upper,
                    Multibase::base64}) {
    auto decoded = multibase_decode(multibase_encode(base, data));
    RC_ASSERT(decoded.ok());
    RC_ASSERT(decoded->data == data);
    RC_ASSERT(decoded->base == base);
  }
}

}  // namespace
}  // namespace credence::codec
