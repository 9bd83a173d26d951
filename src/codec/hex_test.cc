#include "credence/codec/hex.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace credence::codec {
namespace {

TEST(Hex, EncodesLowercase) {
  EXPECT_EQ(hex_encode(Bytes{0x00, 0xab, 0xff}), "00abff");
  EXPECT_EQ(hex_encode_0x(Bytes{0xde, 0xad}), "0xdead");
  EXPECT_EQ(hex_encode({}), "");
}

TEST(Hex, DecodesBothCasesAndPrefix) {
  EXPECT_EQ(*hex_decode("00ABff"), (Bytes{0x00, 0xab, 0xff}));
  EXPECT_EQ(*hex_decode("0xdead"), (Bytes{0xde, 0xad}));
  EXPECT_EQ(*hex_decode("0X"), Bytes{});
  EXPECT_EQ(*hex_decode(""), Bytes{});
}

TEST(Hex, RejectsMalformedWithReason) {
  for (const char* bad : {"abc", "0xz0", "12 34", "g0", "0x0x00", "-1", "ab\n"}) {
    auto r = hex_decode(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), "bad_hex") << bad;
  }
  EXPECT_EQ(hex_decode_fixed<2>("00").status().code(), "bad_length");
  EXPECT_EQ((*hex_decode_fixed<2>("0102")), (FixedBytes<2>{1, 2}));
}

RC_GTEST_PROP(Hex, RoundTrip, (const std::vector<std::uint8_t>& data)) {
  const auto text = hex_encode(data);
  RC_ASSERT(text.size() == data.size() * 2);
  RC_ASSERT(*hex_decode(text) == data);
  RC_ASSERT(*hex_decode(hex_encode_0x(data)) == data);
}

}  // namespace
}  // namespace credence::codec
