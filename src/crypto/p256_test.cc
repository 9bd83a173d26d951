#include "credence/crypto/p256.h"

#include <gtest/gtest.h>

#include "credence/codec/base64url.h"
#include "vectors.h"

namespace credence::crypto::p256 {
namespace {

template <std::size_t N>
FixedBytes<N> b64_fixed(const std::string& text) {
  auto bytes = codec::base64url_decode(text);
  EXPECT_TRUE(bytes.ok()) << text;
  FixedBytes<N> out{};
  if (bytes && bytes->size() == N) std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

TEST(P256, Rfc7515KnownAnswers) {
  auto cases = test::load_vectors("crypto/p256_es256.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    auto key = PrivateKey::from_bytes(b64_fixed<32>(c.str("d")));
    ASSERT_TRUE(key.ok()) << key.status().to_string();
    EXPECT_EQ(key->public_key().x(), b64_fixed<32>(c.str("x")));
    EXPECT_EQ(key->public_key().y(), b64_fixed<32>(c.str("y")));
    const std::string input = c.str("signing_input");
    auto sig = b64_fixed<64>(c.str("signature"));
    EXPECT_TRUE(verify(key->public_key(), as_bytes(input), sig).is_ok());
    std::string changed = input;
    changed.back() ^= 1;
    EXPECT_EQ(verify(key->public_key(), as_bytes(changed), sig).code(), "bad_signature");
    sig[10] ^= 0x40;
    EXPECT_EQ(verify(key->public_key(), as_bytes(input), sig).code(), "bad_signature");
  }
}

TEST(P256, SignIsDeterministicAndVerifies) {
  DeterministicRandom random(7);
  const auto key = PrivateKey::generate(random);
  const std::string message = "credence es256";
  const auto a = key.sign(as_bytes(message));
  const auto b = key.sign(as_bytes(message));
  EXPECT_EQ(a, b);  // RFC 6979
  EXPECT_TRUE(verify(key.public_key(), as_bytes(message), a).is_ok());
  const auto other = PrivateKey::generate(random);
  EXPECT_EQ(verify(other.public_key(), as_bytes(message), a).code(), "bad_signature");
  // The uncompressed encoding round-trips.
  auto parsed = PublicKey::parse_uncompressed(key.public_key().uncompressed());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, key.public_key());
}

TEST(P256, RejectsBadKeysAndSignatures) {
  FixedBytes<32> zero{};
  EXPECT_EQ(PrivateKey::from_bytes(zero).status().code(), "invalid_private_key");
  FixedBytes<32> ones{};
  ones.fill(0xff);  // > n
  EXPECT_EQ(PrivateKey::from_bytes(ones).status().code(), "invalid_private_key");
  // (1, 1) is not on the curve; x = p is out of range.
  FixedBytes<32> one{};
  one[31] = 1;
  EXPECT_EQ(PublicKey::from_coordinates(one, one).status().code(), "invalid_public_key");
  EXPECT_EQ(PublicKey::from_coordinates(ones, one).status().code(), "invalid_public_key");
  Bytes short_key(64, 4);
  EXPECT_EQ(PublicKey::parse_uncompressed(short_key).status().code(), "invalid_public_key");

  DeterministicRandom random(8);
  const auto key = PrivateKey::generate(random);
  Signature zero_sig{};
  EXPECT_EQ(verify(key.public_key(), as_bytes(std::string("m")), zero_sig).code(), "bad_signature");
}

TEST(P256, AcceptsHighS) {
  // JOSE does not normalize s: (r, n - s) verifies too. n is the P-256 group order.
  static const FixedBytes<32> kOrder = {0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
                                        0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
                                        0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51};
  DeterministicRandom random(9);
  const auto key = PrivateKey::generate(random);
  const std::string message = "malleable";
  auto sig = key.sign(as_bytes(message));
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int d = kOrder[static_cast<std::size_t>(i)] - sig[32 + static_cast<std::size_t>(i)] - borrow;
    sig[32 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(d & 0xff);
    borrow = d < 0 ? 1 : 0;
  }
  EXPECT_TRUE(verify(key.public_key(), as_bytes(message), sig).is_ok());
}

}  // namespace
}  // namespace credence::crypto::p256
