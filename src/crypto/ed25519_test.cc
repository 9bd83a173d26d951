#include "credence/crypto/ed25519.h"

#include <gtest/gtest.h>

#include "credence/codec/hex.h"
#include "vectors.h"

namespace credence::crypto::ed25519 {
namespace {

TEST(Ed25519, Rfc8032Section71) {
  auto cases = test::load_vectors("crypto/ed25519_rfc8032.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    const auto seed = c.hex_fixed<32>("secret_key");
    const auto public_key = c.hex_fixed<32>("public_key");
    const Bytes message = c.hex("message");
    const auto signature = c.hex_fixed<64>("signature");
    const auto key = SecretKey::from_seed(seed);
    EXPECT_EQ(key.public_key().bytes(), public_key);
    EXPECT_EQ(key.sign(message), signature);  // Ed25519 is deterministic
    EXPECT_TRUE(verify(public_key, message, signature).is_ok());
    // Any single-bit change of the signature or message is rejected.
    auto bad = signature;
    bad[5] ^= 0x10;
    EXPECT_FALSE(verify(public_key, message, bad).is_ok());
    Bytes other = message;
    other.push_back(0);
    EXPECT_FALSE(verify(public_key, other, signature).is_ok());
  }
}

// Our verification rule (docs/crypto.md) on the ed25519-speccheck edge cases: verdict and reason are pinned.
TEST(Ed25519, VerificationRuleEdgeCases) {
  auto cases = test::load_vectors("crypto/ed25519_edge_cases.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    (void)c.str("description");
    const Status got = verify(c.hex_fixed<32>("public_key"), c.hex("message"), c.hex_fixed<64>("signature"));
    EXPECT_EQ(got.is_ok(), c.boolean("valid")) << got.to_string();
    EXPECT_EQ(got.code(), c.str("reason"));
  }
}

TEST(Ed25519, PointValidation) {
  auto cases = test::load_vectors("crypto/ed25519_points.json");
  ASSERT_FALSE(cases.empty());
  for (auto& c : cases) {
    SCOPED_TRACE(c.where());
    (void)c.str("description");
    const auto point = c.hex_fixed<32>("point");
    const bool valid = c.boolean("valid");
    EXPECT_EQ(is_valid_point(point), valid);
    EXPECT_EQ(PublicKey::parse(point).ok(), valid);
  }
}

TEST(Ed25519, CanonicalScalarBoundary) {
  // L - 1 is canonical, L and L + 1 are not, 2^256 - 1 is not.
  auto l = codec::hex_decode_fixed<32>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  ASSERT_TRUE(l.ok());
  auto below = *l;
  below[0] -= 1;
  auto above = *l;
  above[0] += 1;
  FixedBytes<32> max{};
  max.fill(0xff);
  EXPECT_TRUE(is_canonical_scalar(below));
  EXPECT_FALSE(is_canonical_scalar(*l));
  EXPECT_FALSE(is_canonical_scalar(above));
  EXPECT_FALSE(is_canonical_scalar(max));
  EXPECT_TRUE(is_canonical_scalar(FixedBytes<32>{}));
}

TEST(Ed25519, NonCanonicalSIsRejectedWithItsReason) {
  DeterministicRandom random(7);
  const auto key = SecretKey::generate(random);
  const Bytes message = {1, 2, 3};
  auto sig = key.sign(message);
  ASSERT_TRUE(verify(key.public_key(), message, sig).is_ok());
  // S + L is the same scalar mod L: libsodium-style cofactorless math would accept it without the S < L rule.
  auto l = *codec::hex_decode_fixed<32>("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = sig[32 + i] + l[i] + carry;
    sig[32 + i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);  // S < 2^253 always fits
  EXPECT_EQ(verify(key.public_key(), message, sig).code(), "non_canonical_s");
}

TEST(Ed25519, GeneratedKeysSignAndVerify) {
  DeterministicRandom random(42);
  for (int i = 0; i < 20; ++i) {
    const auto key = SecretKey::generate(random);
    Bytes message(static_cast<std::size_t>(i * 7), static_cast<std::uint8_t>(i));
    const auto sig = key.sign(message);
    EXPECT_TRUE(verify(key.public_key(), message, sig).is_ok());
    const auto other = SecretKey::generate(random);
    EXPECT_EQ(verify(other.public_key(), message, sig).code(), "bad_signature");
    // The seed reproduces the same key.
    EXPECT_EQ(SecretKey::from_seed(key.seed()).public_key(), key.public_key());
  }
}

}  // namespace
}  // namespace credence::crypto::ed25519
